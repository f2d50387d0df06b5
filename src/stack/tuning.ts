/**
 * Tuning profiles (stacks/tuning/NAME.yaml): connector properties and consumer settings that
 * trade batching for latency. A lab runs one profile at a time; runs record which.
 */
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { parse as parseYaml } from 'yaml';
import { z } from 'zod';

import { badInput } from '../errors.js';
import { stacksDir } from '../paths.js';

const tuningSchema = z.object({
  description: z.string(),
  connector: z.record(z.string(), z.string()).default({}),
  profileConsumer: z.object({
    maxWaitMs: z.number().int().min(0).max(60_000).optional(),
    minBytes: z.number().int().min(1).optional(),
  }).strict().default({}),
}).strict();

export type TuningProfile = z.infer<typeof tuningSchema> & { name: string };

export const DEFAULT_TUNING = 'default';

function tuningDir(): string {
  return join(stacksDir(), 'tuning');
}

export function tuningNames(): string[] {
  return readdirSync(tuningDir()).filter((f) => f.endsWith('.yaml'))
    .map((f) => f.slice(0, -'.yaml'.length)).sort();
}

export function loadTuning(name: string = DEFAULT_TUNING): TuningProfile {
  const path = join(tuningDir(), `${name}.yaml`);
  if (!/^[a-z0-9-]+$/.test(name) || !existsSync(path)) {
    throw badInput(`no tuning profile "${name}"; profiles: ${tuningNames().join(', ')}`);
  }
  const parsed = tuningSchema.safeParse(parseYaml(readFileSync(path, 'utf8')));
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw badInput(`${path}: ${issue?.path.join('.') || '(top level)'}: ${issue?.message}`);
  }
  return { ...parsed.data, name };
}

/** Recorded while a switch failed halfway: no profile is known to be in force. */
export const TUNING_UNKNOWN = '(unknown)';

/**
 * The profile a lab records, or the default one when that profile's file is gone (renamed or
 * deleted after the lab switched to it). Reading a lab must not fail on it: `down` and
 * `status` would be stuck, and the next experiment's --profile switches the lab anyway.
 */
export function recordedTuning(name: string | undefined): TuningProfile {
  if (name !== undefined && !tuningNames().includes(name)) return loadTuning(DEFAULT_TUNING);
  return loadTuning(name);
}
