/**
 * The JSON bodies the routes accept. Objects are strict: an unknown field (including
 * `__proto__`) is a 400, not silently ignored, so a client's typo or a mass-assignment
 * attempt is visible. Types are exact: no number-to-string coercion, null is not "absent".
 */
import { z } from 'zod';

import { HttpError } from './errors.js';

export const signupBody = z.strictObject({
  email: z.string(),
  password: z.string(),
  displayName: z.string().optional(),
});

export const loginBody = z.strictObject({
  email: z.string(),
  password: z.string(),
});

export const refreshBody = z.strictObject({
  refreshToken: z.string(),
});

function describeIssue(issue: z.core.$ZodIssue): string {
  const field = issue.path.length > 0 ? issue.path.map(String).join('.') : 'body';
  switch (issue.code) {
    case 'invalid_type':
      return field === 'body'
        ? 'the body must be a JSON object'
        : `"${field}" must be a ${issue.expected}`;
    case 'unrecognized_keys':
      return `unknown field(s): ${issue.keys.map((key) => `"${key.slice(0, 40)}"`).join(', ')}`;
    default:
      return `"${field}" is not valid`;
  }
}

/** The validated body, or an HttpError 400 naming the first problem. */
export function parseBody<Schema extends z.ZodType>(
  schema: Schema,
  body: unknown,
): z.infer<Schema> {
  const result = schema.safeParse(body);
  if (result.success) return result.data;
  const issue = result.error.issues[0];
  const message = issue ? describeIssue(issue) : 'the body is not valid';
  throw new HttpError(400, 'invalid_body', message);
}
