/**
 * summary.json of a replication-lag run as the reports read it: the overall LagSummary plus,
 * since rate sweeps, the tuning profile, the write path, one step per rate, the knee and the
 * watcher's cost. Runs recorded before sweeps have none of these; every renderer goes through
 * stepViews(), which shows such a run as a single step, so old run folders still render.
 */
import { STAGES, type LagSample } from '../measure/lag-sample.js';
import type { LagSummary } from '../measure/lag-summary.js';
import type { Knee, LagTrend } from '../measure/lag-trend.js';
import type { WatcherStats } from '../measure/visibility-watcher.js';
import type { TuningProfile } from '../stack/tuning.js';
import type { RunInfo } from './run-folder.js';
import { formatMs } from './summary-tables.js';

export interface StepWrites {
  offeredRateHz: number;
  achievedRateHz: number;
  maxScheduleSlipMs: number;
  failed: number;
  firstError: string | null;
}

export interface LagStep {
  rateHz: number;
  count: number;
  writes: StepWrites;
  trend: LagTrend;
  bounded: boolean;
  summary: LagSummary;
}

export interface ReplicationLagSummary extends LagSummary {
  via?: string;
  target?: string;
  tuning?: TuningProfile;
  steps?: LagStep[];
  knee?: Knee;
  watcher?: WatcherStats;
  /** What the run saw of the lab that bears on its figures (e.g. a replica down). */
  notes?: string[];
}

/** One rate of a run, whichever summary format it came from. */
export interface StepView {
  /** Null for an old run whose rate is unknown. */
  rateHz: number | null;
  summary: LagSummary;
  writes: StepWrites | null;
  trend: LagTrend | null;
  bounded: boolean | null;
  /** Where the step sits in summary.json ("steps.2"); null when it is the whole summary. */
  stepPath: string | null;
}

/** The rate of a run recorded before sweeps, from its parameters. */
function legacyRateHz(run: RunInfo | undefined): number | null {
  const rate = run?.parameters.rate;
  return typeof rate === 'number' ? rate : null;
}

export function stepViews(summary: ReplicationLagSummary, run?: RunInfo): StepView[] {
  if (!summary.steps || summary.steps.length === 0) {
    return [{ rateHz: legacyRateHz(run), summary, writes: null, trend: null, bounded: null,
      stepPath: null }];
  }
  return summary.steps.map((step, i) => ({
    rateHz: step.rateHz, summary: step.summary, writes: step.writes, trend: step.trend,
    bounded: step.bounded, stepPath: `steps.${i}`,
  }));
}

/** JSON path in summary.json of a figure of the step's LagSummary, e.g. "steps.0.summary.lost". */
export function summaryPath(view: StepView, key: string): string {
  return view.stepPath === null ? key : `${view.stepPath}.summary.${key}`;
}

/** JSON path of a field of the step itself (writes, trend); null for an old run. */
export function stepPath(view: StepView, key: string): string | null {
  return view.stepPath === null ? null : `${view.stepPath}.${key}`;
}

/** A rate without float noise: 100, 12.5, 0.33. */
export function formatRate(rateHz: number | null): string {
  return rateHz === null ? '–' : String(Number(rateHz.toFixed(2)));
}

export function rateLabel(rateHz: number | null): string {
  return rateHz === null ? 'all rows' : `${formatRate(rateHz)}/s`;
}

/** The samples of one step: an old run's single step has them all. */
export function samplesOfStep(view: StepView, samples: readonly LagSample[]): LagSample[] {
  return view.stepPath === null ? [...samples] : samples.filter((s) => s.rateHz === view.rateHz);
}

function stageText(stage: Knee['firstGrowingStage']): string {
  const found = STAGES.find((s) => s.name === stage);
  return found ? `the ${found.name} stage (${found.label})` : '';
}

/** Why a step is not bounded: " At 400 rows/s, 3 rows were lost and the median ..." */
function unboundedReason(view: StepView | undefined): string {
  if (!view) return '';
  const reasons: string[] = [];
  const { lost } = view.summary;
  if (lost > 0) reasons.push(lost === 1 ? '1 row was lost' : `${lost} rows were lost`);
  if (view.trend?.growing) {
    reasons.push(`the median lag grew from ${formatMs(view.trend.firstThirdP50Ms)} ms to ` +
      `${formatMs(view.trend.lastThirdP50Ms)} ms within the step`);
  }
  return reasons.length === 0 ? ''
    : ` At ${formatRate(view.rateHz)} rows/s, ${reasons.join(' and ')}.`;
}

/** Sentences a reader must see before the figures: an interruption, the lab's notes. */
export function runNotes(summary: ReplicationLagSummary, run?: RunInfo): string[] {
  return [
    ...(run?.interrupted ? ['This run was interrupted: its figures cover the rows written ' +
      'until then, not the planned count.'] : []),
    ...(summary.notes ?? []),
  ];
}

/** "Lag stays bounded up to N rows/s; beyond it ..."; null for a run without a knee. */
export function kneeSentence(summary: ReplicationLagSummary): string | null {
  const { knee } = summary;
  if (!knee || !summary.steps || summary.steps.length === 0) return null;
  const views = stepViews(summary);
  const rates = views.map((v) => formatRate(v.rateHz)).join(', ');
  if (knee.firstUnboundedRateHz === null) {
    return `No knee within the rates tried (${rates} rows/s): lag stays bounded at every rate.`;
  }

  const first = formatRate(knee.firstUnboundedRateHz);
  const reason = unboundedReason(views.find((v) => v.rateHz === knee.firstUnboundedRateHz));
  const stage = stageText(knee.firstGrowingStage);
  if (knee.kneeRateHz === null) {
    return `Lag is not bounded even at the lowest rate tried, ${first} rows/s` +
      `${stage ? `; ${stage} is the largest stage there` : ''}.${reason}`;
  }
  return `Lag stays bounded up to ${formatRate(knee.kneeRateHz)} rows/s; beyond it ` +
    `${stage ? `${stage} grows first` : 'lag grows'}.${reason}`;
}

/** How rows were written: the experiment's --via and the service it wrote to. */
export function viaText(summary: ReplicationLagSummary): string | null {
  if (!summary.via) return null;
  const target = summary.target ?? 'unknown';
  return summary.via === 'sql' ? `sql: rows inserted straight into Postgres (${target})`
    : `${summary.via}: users signed up through ${target}`;
}

export function tuningText(summary: ReplicationLagSummary): string | null {
  const { tuning } = summary;
  return tuning ? `${tuning.name}: ${tuning.description}` : null;
}

/** The profile's settings as name/value rows: connector properties, then consumer settings. */
export function tuningSettings(tuning: TuningProfile): [string, string][] {
  return [
    ...Object.entries(tuning.connector).map(([k, v]): [string, string] => [`connector ${k}`, v]),
    ...Object.entries(tuning.profileConsumer)
      .map(([k, v]): [string, string] => [`profile consumer ${k}`, String(v)]),
  ];
}
