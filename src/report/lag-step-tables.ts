/**
 * The tables of a replication-lag report beyond the overall ones: lag per rate, stage medians
 * per rate, the watcher's resolution and cost, and the run's own description (tuning, write
 * path). Shared by the terminal, Markdown and HTML renderers, like summary-tables.ts.
 */
import { STAGES } from '../measure/lag-sample.js';
import type { WatcherStats } from '../measure/visibility-watcher.js';
import {
  formatRate, rateLabel, stepPath, stepViews, summaryPath, tuningText, viaText,
  type ReplicationLagSummary, type StepView,
} from './lag-run-summary.js';
import type { RunInfo } from './run-folder.js';
import {
  formatBytes, formatMs, formatValue, summaryTables, type TextTable,
} from './summary-tables.js';

const LAG_KEYS = ['p50', 'p95', 'p99', 'max'] as const;

/** "–" when too few rows were seen to tell (fewer than three): not "steady". */
function trendText(view: StepView): string {
  if (!view.trend || view.trend.slopeMsPerS === null) return '–';
  return view.trend.growing ? 'growing' : 'steady';
}

export function stepsTable(views: readonly StepView[]): TextTable {
  const rows = views.map((v) => [
    formatRate(v.rateHz),
    v.writes ? v.writes.achievedRateHz.toFixed(1) : '–',
    String(v.summary.count), String(v.summary.seen), String(v.summary.lost),
    ...LAG_KEYS.map((key) => formatMs(v.summary.lagMs[key])),
    trendText(v),
    v.writes ? String(v.writes.failed) : '–',
  ]);
  const figures = views.map((v) => [
    stepPath(v, 'rateHz'), stepPath(v, 'writes.achievedRateHz'),
    ...['count', 'seen', 'lost'].map((key) => summaryPath(v, key)),
    ...LAG_KEYS.map((key) => summaryPath(v, `lagMs.${key}`)),
    null, stepPath(v, 'writes.failed'),
  ]);

  const failures = views.filter((v) => v.writes?.firstError)
    .map((v) => `at ${rateLabel(v.rateHz)}: ${v.writes?.firstError}`);
  const note = 'Rate: offered, and achieved by the open-loop writer (rows/s). Trend: growing ' +
    'when lag rose by more than 50 ms per second of the step (the pipeline fell behind by ' +
    'over 5% of the rate). A step is bounded when it did not grow, lost nothing, failed no ' +
    'write and wrote at 95% of its rate or more. The observe stage includes the watcher\'s ' +
    'own delay: when it dominates, the watcher, not the pipeline, is the limit.' +
    (failures.length ? ` First failed write ${failures.join('; ')}.` : '');
  return {
    title: 'Lag per rate (ms)',
    head: ['rate', 'achieved', 'rows', 'seen', 'lost', 'p50', 'p95', 'p99', 'max', 'trend',
      'failed writes'],
    rows,
    numericColumns: [0, 1, 2, 3, 4, 5, 6, 7, 8, 10],
    note,
    figures,
  };
}

export function stageMediansTable(views: readonly StepView[]): TextTable {
  return {
    title: 'Stage medians per rate (ms)',
    head: ['rate', ...STAGES.map((s) => s.name), 'lag p50'],
    rows: views.map((v) => [formatRate(v.rateHz),
      ...STAGES.map((s) => formatMs(v.summary.stages[s.name].p50)),
      formatMs(v.summary.lagMs.p50)]),
    numericColumns: [0, 1, 2, 3, 4, 5, 6],
    note: `Stages: ${STAGES.map((s) => `${s.name} ${s.label}`).join(', ')}. ` +
      'Medians of stages do not add up to the median lag.',
    figures: views.map((v) => [stepPath(v, 'rateHz'),
      ...STAGES.map((s) => summaryPath(v, `stages.${s.name}.p50`)), summaryPath(v, 'lagMs.p50')]),
  };
}

const WATCHER_COLUMNS = [
  ['polls', 'polls'], ['poll interval', 'pollIntervalMs'], ['cycle p50', 'cycleMs.p50'],
  ['cycle p99', 'cycleMs.p99'], ['cycle max', 'cycleMs.max'], ['query p50', 'queryMs.p50'],
  ['query p99', 'queryMs.p99'], ['query errors', 'queryErrors'],
] as const;

function watcherValue(summary: ReplicationLagSummary, path: string): number | null {
  let value: unknown = summary.watcher;
  for (const key of path.split('.')) value = (value as Record<string, unknown>)?.[key];
  return typeof value === 'number' ? value : null;
}

/** What the watcher is and what it cost, in words, for the note under its table. */
function watcherCost(watcher: WatcherStats): string {
  const kind = watcher.kind ?? 'wire';
  const failed = `${watcher.queryErrors} of them failed`;
  if (kind === 'wire') return `${watcher.polls} lookups by _id sent to Mongo, ${failed}.`;

  const cpu = watcher.cpuMs != null && watcher.wallMs ? ` It used ${formatMs(watcher.cpuMs)} ` +
    `ms of CPU in ${formatMs(watcher.wallMs)} ms (${(100 * watcher.cpuMs / watcher.wallMs)
      .toFixed(1)}% of one core), sending nothing to Mongo.` : '';
  const misses = watcher.hintMisses ? ` Its change check missed ${watcher.hintMisses} ` +
    `commit${watcher.hintMisses === 1 ? '' : 's'}, seen up to 10 polls late.` : '';
  return `${watcher.polls} polls of FerretDB's committed rows, ${failed}.${cpu}${misses}`;
}

export function watcherTable(summary: ReplicationLagSummary): TextTable | null {
  const { watcher } = summary;
  if (!watcher) return null;
  const counts = new Set(['polls', 'queryErrors']);
  return {
    title: `Watcher, ${watcher.kind ?? 'wire'} (ms)`,
    head: WATCHER_COLUMNS.map(([name]) => name),
    rows: [WATCHER_COLUMNS.map(([, path]) => (counts.has(path)
      ? String(watcherValue(summary, path) ?? '–') : formatMs(watcherValue(summary, path))))],
    numericColumns: WATCHER_COLUMNS.map((_, i) => i),
    note: `Resolution ${formatMs(summary.watcherResolutionMs)} ms (median poll cycle): a ` +
      'document is seen at most about one cycle after it became visible. Cost: ' +
      watcherCost(watcher),
    figures: [WATCHER_COLUMNS.map(([, path]) => `watcher.${path}`)],
  };
}

/** Every table of the report, in reading order: per rate first, then the run as a whole. */
export function lagReportTables(summary: ReplicationLagSummary, run?: RunInfo): TextTable[] {
  const views = stepViews(summary, run);
  const sweep = views.length > 1;
  const overall = summaryTables(summary)
    .map((t) => (sweep ? { ...t, title: `${t.title}, all rates together` } : t));
  const watcher = watcherTable(summary);
  return [
    stepsTable(views),
    ...(sweep ? [stageMediansTable(views)] : []),
    ...overall,
    ...(watcher ? [watcher] : []),
  ];
}

/** What the run was, as name/value rows: where, when, which tuning and which write path. */
export function aboutRows(
  run: RunInfo, summary: ReplicationLagSummary, runName?: string,
): [string, string][] {
  return [
    ['experiment', run.experiment],
    ['run', runName ?? '–'],
    ['started', run.startedAt],
    ['ended', run.endedAt ?? 'did not finish'],
    ['runtime', run.runtime],
    ['tuning profile', tuningText(summary) ?? 'not recorded (run predates tuning profiles)'],
    ['writes via', viaText(summary) ?? 'not recorded'],
    ['git commit', run.gitCommit ?? 'unknown'],
  ];
}

export function hostRows(run: RunInfo): [string, string][] {
  return [
    ['cores', String(run.host.cores)],
    ['memory', formatBytes(run.host.memoryBytes)],
    ['platform', run.host.platform],
    ['node', run.host.node],
  ];
}

export function parameterRows(run: RunInfo): [string, string][] {
  return Object.entries(run.parameters).map(([k, v]): [string, string] => [k, formatValue(v)]);
}
