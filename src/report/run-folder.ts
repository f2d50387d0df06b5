/**
 * The folder of one run, results/<UTC time>_<experiment>/: creating it, writing and reading
 * run.json and summary.json, listing runs newest first and resolving the one a user names.
 */
import { execFile } from 'node:child_process';
import { mkdir, readFile, readdir, stat, writeFile } from 'node:fs/promises';
import { availableParallelism, totalmem } from 'node:os';
import { existsSync } from 'node:fs';
import { basename, join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { z } from 'zod';
import { LabError, badInput, describeError } from '../errors.js';

export const RUN_FILES = Object.freeze({
  run: 'run.json',
  summary: 'summary.json',
  samples: 'samples.csv',
  reportMarkdown: 'report.md',
  reportHtml: 'report.html',
});

const hostSchema = z.object({
  cores: z.number(),
  memoryBytes: z.number(),
  platform: z.string(),
  node: z.string(),
});

const runInfoSchema = z.object({
  experiment: z.string(),
  parameters: z.record(z.string(), z.unknown()),
  runtime: z.string(),
  versions: z.record(z.string(), z.string()),
  host: hostSchema,
  gitCommit: z.string().nullable(),
  startedAt: z.string(),
  /** Null while the run goes on, or when it was interrupted before it could finish. */
  endedAt: z.string().nullable(),
  /** True when Ctrl-C cut the run short: its figures cover only what ran. */
  interrupted: z.boolean().optional(),
});

export type HostInfo = z.infer<typeof hostSchema>;
export type RunInfo = z.infer<typeof runInfoSchema>;

export interface RunFolder {
  name: string;
  path: string;
  experiment: string;
  /** Start time as the folder name gives it (whole seconds, UTC). */
  startedAt: Date;
}

const EXPERIMENT_NAME = /^[a-z0-9][a-z0-9-]*$/;
/** <YYYYMMDDTHHMMSSZ>_<experiment>, with _<n> appended when two runs start in one second. */
const FOLDER_NAME = /^(\d{8}T\d{6}Z)_([a-z0-9][a-z0-9-]*)(?:_(\d+))?$/;

export function runFolderName(experiment: string, at: Date): string {
  if (!EXPERIMENT_NAME.test(experiment)) {
    throw badInput(`experiment name "${experiment}" must be lower-case letters, digits and -`);
  }
  const stamp = at.toISOString().replace(/[-:]/g, '').replace(/\.\d{3}Z$/, 'Z');
  return `${stamp}_${experiment}`;
}

function parseFolderName(name: string, path: string): RunFolder | undefined {
  const match = FOLDER_NAME.exec(name);
  if (!match) return undefined;
  const [, stamp = '', experiment = ''] = match;
  const iso = stamp.replace(/^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})Z$/, '$1-$2-$3T$4:$5:$6Z');
  return { name, path, experiment, startedAt: new Date(iso) };
}

/** Creates a new, empty run folder; never reuses one that exists. */
export async function createRunFolder(
  resultsDir: string,
  experiment: string,
  at: Date = new Date(),
): Promise<RunFolder> {
  const base = runFolderName(experiment, at);
  await mkdir(resultsDir, { recursive: true });

  for (let n = 1; n < 100; n += 1) {
    const name = n === 1 ? base : `${base}_${n}`;
    const path = join(resultsDir, name);
    try {
      await mkdir(path);
      return parseFolderName(name, path) as RunFolder;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    }
  }
  throw new LabError('INTERNAL', `99 run folders named ${base} exist in ${resultsDir}`);
}

export function hostInfo(): HostInfo {
  return {
    cores: availableParallelism(),
    memoryBytes: totalmem(),
    platform: `${process.platform}-${process.arch}`,
    node: process.version,
  };
}

/** HEAD of the repository at `cwd`, or null outside a repository or before the first commit. */
export async function gitCommit(cwd: string): Promise<string | null> {
  try {
    const { stdout } = await promisify(execFile)('git', ['rev-parse', 'HEAD'], { cwd });
    return stdout.trim() || null;
  } catch {
    return null;
  }
}

async function writeJson(path: string, value: unknown): Promise<void> {
  await writeFile(path, `${JSON.stringify(value, null, 2)}\n`);
}

async function readJson(path: string): Promise<unknown> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    throw badInput(`cannot read ${path}: ${describeError(error)}; is this a complete run folder?`);
  }
  try {
    return JSON.parse(text);
  } catch (error) {
    throw badInput(`${path} is not valid JSON: ${describeError(error)}`);
  }
}

export async function writeRunInfo(folderPath: string, run: RunInfo): Promise<void> {
  await writeJson(join(folderPath, RUN_FILES.run), run);
}

export async function readRunInfo(folderPath: string): Promise<RunInfo> {
  const path = join(folderPath, RUN_FILES.run);
  const parsed = runInfoSchema.safeParse(await readJson(path));
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const where = issue?.path.join('.') || '(top level)';
    throw badInput(`${path}: field ${where}: ${issue?.message ?? 'invalid'}`);
  }
  return parsed.data;
}

export async function writeSummaryJson(folderPath: string, summary: unknown): Promise<void> {
  await writeJson(join(folderPath, RUN_FILES.summary), summary);
}

/** The parsed summary.json; its shape is the experiment's own (e.g. LagSummary). */
export async function readSummaryJson(folderPath: string): Promise<unknown> {
  return readJson(join(folderPath, RUN_FILES.summary));
}

/** Run folders under resultsDir, newest first; other entries are ignored. */
export async function listRuns(resultsDir: string): Promise<RunFolder[]> {
  let entries;
  try {
    entries = await readdir(resultsDir, { withFileTypes: true });
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw error;
  }
  const runs = entries
    .filter((entry) => entry.isDirectory())
    .map((entry) => parseFolderName(entry.name, join(resultsDir, entry.name)))
    .filter((run): run is RunFolder => run !== undefined);
  // Names sort by time; a same-second suffix _n sorts after the plain name, so n wins ties.
  return runs.sort((a, b) => b.startedAt.getTime() - a.startedAt.getTime() ||
    suffixOf(b.name) - suffixOf(a.name));
}

function suffixOf(name: string): number {
  return Number(FOLDER_NAME.exec(name)?.[3] ?? 1);
}

/** Finds the run named by `ref`: "latest", a folder name under resultsDir, or a path. */
export async function resolveRun(resultsDir: string, ref = 'latest'): Promise<RunFolder> {
  const runs = await listRuns(resultsDir);
  if (ref === 'latest') {
    // An interrupted or refused run may have no summary yet: latest is the newest complete one.
    const newest = runs.find((run) => existsSync(join(run.path, RUN_FILES.summary)));
    if (!newest) {
      throw new LabError('NO_RUNS', `no runs in ${resultsDir}; run an experiment first, ` +
        'e.g. authlab experiment replication-lag');
    }
    return newest;
  }

  const byName = runs.find((run) => run.name === ref);
  if (byName) return byName;

  const path = resolve(ref);
  const isDir = await stat(path).then((s) => s.isDirectory(), () => false);
  const parsed = isDir ? parseFolderName(basename(path), path) : undefined;
  if (parsed) return parsed;

  const known = runs.slice(0, 5).map((run) => run.name).join(', ') || 'none';
  throw badInput(`no run "${ref}" in ${resultsDir}; give a folder name, a path or "latest" ` +
    `(newest: ${known})`);
}
