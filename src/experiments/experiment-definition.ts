/**
 * What an experiment is: a name, parameters with defaults and limits, and a run function
 * that measures and returns what it recorded. Definitions live in the experiments/ folder.
 */
import type { LabConfig } from '../config/lab-config.js';
import type { RunningLab } from '../lab/running-lab.js';

export interface ParamSpec {
  name: string;
  kind: 'int' | 'number' | 'choice' | 'text';
  default: number | string;
  min?: number;
  max?: number;
  /** True when min itself is refused (a rate must be > 0). */
  exclusiveMin?: boolean;
  choices?: readonly string[];
  /**
   * For 'text': throws BAD_INPUT (naming the flag) for a value the experiment refuses, so a
   * bad list or URL is caught before the run folder exists. Returns the value to keep.
   */
  check?: (raw: string, flag: string) => string;
  /** Options that mean nothing beside this one: giving both is refused, with the reason. */
  excludes?: { names: readonly string[]; why: string };
  unit?: string;
  help: string;
}

export type ParamValues = Record<string, number | string>;

export interface ExperimentContext {
  config: LabConfig;
  lab: RunningLab;
  params: ParamValues;
  /** The run folder, already created. */
  runDir: string;
  signal: AbortSignal;
  /** Progress on stderr. */
  say(line: string): void;
}

export interface ExperimentOutcome {
  /** Written to summary.json; every figure recomputable from the raw samples. */
  summary: Record<string, unknown>;
  /** Printed on stdout when the run ends. */
  table: string;
}

export interface ExperimentDefinition {
  name: string;
  summary: string;
  params: readonly ParamSpec[];
  run(context: ExperimentContext): Promise<ExperimentOutcome>;
}
