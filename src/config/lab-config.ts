/**
 * The lab's configuration: one pass turns the config file, then the environment, then
 * command-line flags into a frozen, typed object. Nothing deeper reads process.env.
 */
import { existsSync, readFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { join, resolve } from 'node:path';
import { parse as parseYaml } from 'yaml';

import { badInput } from '../errors.js';
import { DEFAULTS, LIMITS } from './defaults.js';
import { parseInteger } from '../parse/numbers.js';

export type RuntimeName = 'local' | 'docker';

export interface LabConfig {
  /** Where installed components live (jars, binaries); shared by every lab on the machine. */
  readonly cacheDir: string;
  /** This lab's state, secrets, config files, logs and data. */
  readonly labDir: string;
  /** Where run folders are written. */
  readonly resultsDir: string;
  readonly portBase: number;
  readonly runtime: RuntimeName;
  readonly authReplicas: number;
  readonly profileReplicas: number;
  readonly bcryptCost: number;
  readonly topicPartitions: number;
  readonly kafkaHeapMb: number;
  readonly connectHeapMb: number;
  readonly readyTimeoutMs: number;
  readonly stopTimeoutMs: number;
  /**
   * Docker runtime: image overrides, name -> image reference (e.g. postgres: postgres:17.2).
   * From the config file's `images:` mapping, then the YAML file AUTHLAB_IMAGES names.
   */
  readonly images: Readonly<Record<string, string>>;
}

/** Values a command's flags may set; undefined means "not given". */
export type ConfigFlags =
  Partial<Record<Exclude<keyof LabConfig, 'images'>, string | number | undefined>>;

const ENVIRONMENT: Record<string, keyof LabConfig> = {
  AUTHLAB_CACHE: 'cacheDir',
  AUTHLAB_LAB_DIR: 'labDir',
  AUTHLAB_RESULTS_DIR: 'resultsDir',
  AUTHLAB_PORT_BASE: 'portBase',
  AUTHLAB_RUNTIME: 'runtime',
  AUTHLAB_BCRYPT_COST: 'bcryptCost',
  AUTHLAB_TOPIC_PARTITIONS: 'topicPartitions',
};

/** The config file is optional: `authlab.yaml` in the working folder, or AUTHLAB_CONFIG. */
function readConfigFile(cwd: string, env: NodeJS.ProcessEnv): Record<string, unknown> {
  const path = env.AUTHLAB_CONFIG ? resolve(cwd, env.AUTHLAB_CONFIG) : join(cwd, 'authlab.yaml');
  if (!existsSync(path)) {
    if (env.AUTHLAB_CONFIG) throw badInput(`config file ${path} does not exist`);
    return {};
  }

  let parsed: unknown;
  try {
    parsed = parseYaml(readFileSync(path, 'utf8'));
  } catch (error) {
    throw badInput(`config file ${path} is not valid YAML: ${(error as Error).message}`);
  }
  if (parsed === null || parsed === undefined) return {};
  if (typeof parsed !== 'object' || Array.isArray(parsed)) {
    throw badInput(`config file ${path} must be a mapping of settings`);
  }
  return parsed as Record<string, unknown>;
}

function pickEnvironment(env: NodeJS.ProcessEnv): Record<string, unknown> {
  const picked: Record<string, unknown> = {};
  for (const [name, key] of Object.entries(ENVIRONMENT)) {
    if (env[name] !== undefined && env[name] !== '') picked[key] = env[name];
  }
  return picked;
}

function integerSetting(raw: unknown, name: string, min: number, max: number): number {
  return parseInteger(String(raw), { name, min, max });
}

function runtimeSetting(raw: unknown): RuntimeName {
  if (raw === 'local' || raw === 'docker') return raw;
  throw badInput(`runtime must be "local" or "docker", got "${String(raw)}"`);
}

const KNOWN_KEYS = new Set<string>([
  'cacheDir', 'labDir', 'resultsDir', 'portBase', 'runtime', 'authReplicas', 'profileReplicas',
  'bcryptCost', 'topicPartitions', 'kafkaHeapMb', 'connectHeapMb', 'readyTimeoutMs',
  'stopTimeoutMs', 'images',
]);

/** A mapping of names to image references; which names exist is the docker runtime's call. */
function imageMap(raw: unknown, where: string): Record<string, string> {
  if (raw === undefined || raw === null) return {};
  if (typeof raw !== 'object' || Array.isArray(raw)) {
    throw badInput(`${where} must be a mapping of service: image, e.g. "postgres: postgres:17"`);
  }
  const images: Record<string, string> = {};
  for (const [name, image] of Object.entries(raw)) {
    if (typeof image !== 'string' || image.trim() === '' || /\s/.test(image.trim())) {
      throw badInput(`${where}: the image for "${name}" must be one image reference, ` +
        `got ${JSON.stringify(image)}`);
    }
    images[name] = image.trim();
  }
  return images;
}

/** AUTHLAB_IMAGES names a YAML file holding the same mapping as the config's `images:`. */
function imagesFromEnvironment(cwd: string, env: NodeJS.ProcessEnv): Record<string, string> {
  if (!env.AUTHLAB_IMAGES) return {};
  const path = resolve(cwd, env.AUTHLAB_IMAGES);
  if (!existsSync(path)) throw badInput(`AUTHLAB_IMAGES: file ${path} does not exist`);
  let parsed: unknown;
  try {
    parsed = parseYaml(readFileSync(path, 'utf8'));
  } catch (error) {
    throw badInput(`AUTHLAB_IMAGES: ${path} is not valid YAML: ${(error as Error).message}`);
  }
  return imageMap(parsed, `AUTHLAB_IMAGES (${path})`);
}

export interface LoadConfigOptions {
  cwd?: string;
  env?: NodeJS.ProcessEnv;
  flags?: ConfigFlags;
}

export function loadConfig(options: LoadConfigOptions = {}): LabConfig {
  const cwd = options.cwd ?? process.cwd();
  const env = options.env ?? process.env;
  const file = readConfigFile(cwd, env);
  for (const key of Object.keys(file)) {
    if (!KNOWN_KEYS.has(key)) {
      throw badInput(`unknown setting "${key}" in config file; known: ${[...KNOWN_KEYS].join(', ')}`);
    }
  }

  const flags = Object.fromEntries(
    Object.entries(options.flags ?? {}).filter(([, value]) => value !== undefined),
  );
  const merged: Record<string, unknown> = { ...file, ...pickEnvironment(env), ...flags };
  const value = (key: keyof LabConfig, fallback: unknown) => merged[key] ?? fallback;

  const portBase = integerSetting(value('portBase', DEFAULTS.portBase), 'port base', 1024, 65000);
  return Object.freeze({
    cacheDir: resolve(cwd, String(value('cacheDir', join(homedir(), '.cache', 'authlab')))),
    labDir: resolve(cwd, String(value('labDir', '.authlab'))),
    resultsDir: resolve(cwd, String(value('resultsDir', 'results'))),
    portBase,
    runtime: runtimeSetting(value('runtime', DEFAULTS.runtime)),
    authReplicas: integerSetting(
      value('authReplicas', DEFAULTS.authReplicas), 'auth replicas', 1, LIMITS.maxAuthReplicas),
    profileReplicas: integerSetting(
      value('profileReplicas', DEFAULTS.profileReplicas), 'profile replicas', 1,
      LIMITS.maxProfileReplicas),
    bcryptCost: integerSetting(value('bcryptCost', DEFAULTS.bcryptCost), 'bcrypt cost', 4, 15),
    topicPartitions: integerSetting(
      value('topicPartitions', DEFAULTS.topicPartitions), 'topic partitions', 1, 256),
    kafkaHeapMb: integerSetting(value('kafkaHeapMb', DEFAULTS.kafkaHeapMb), 'kafka heap', 128, 8192),
    connectHeapMb: integerSetting(
      value('connectHeapMb', DEFAULTS.connectHeapMb), 'connect heap', 128, 8192),
    readyTimeoutMs: integerSetting(
      value('readyTimeoutMs', DEFAULTS.readyTimeoutMs), 'ready timeout', 1000, 3_600_000),
    stopTimeoutMs: integerSetting(
      value('stopTimeoutMs', DEFAULTS.stopTimeoutMs), 'stop timeout', 100, 600_000),
    images: Object.freeze({
      ...imageMap(file.images, 'config file: images'),
      ...imagesFromEnvironment(cwd, env),
    }),
  });
}
