/**
 * Fills `{{name}}` placeholders in the config templates under stacks/templates. A placeholder
 * with no value is an error, so a renamed setting can never render as an empty string.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

import { LabError } from '../errors.js';
import { stacksDir } from '../paths.js';

export function renderText(text: string, values: Record<string, string | number>, what: string) {
  return text.replace(/\{\{(\w+)\}\}/g, (_match, name: string) => {
    const value = values[name];
    if (value === undefined) {
      throw new LabError('INTERNAL', `template ${what} needs a value for {{${name}}}`);
    }
    return String(value);
  });
}

export function renderTemplate(name: string, values: Record<string, string | number>): string {
  const text = readFileSync(join(stacksDir(), 'templates', name), 'utf8');
  return renderText(text, values, name);
}
