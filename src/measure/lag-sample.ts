/**
 * One replication-lag sample per written row, its stage split and its CSV form. The CSV
 * holds every timestamp, so every figure of a run can be recomputed from it alone.
 *
 * Timestamps (epoch ms): tScheduledMs when the open loop meant to write the row; tCommitMs
 * when COMMIT returned to the writer; sourceTsMs the Postgres commit time Debezium reports
 * (source.ts_ms); dbzTsMs when Debezium processed the change (envelope ts_ms); kafkaTsMs
 * the Kafka record timestamp; consumedAtMs and writtenAtMs when the profile replica got the
 * event and when it issued the Mongo write (the document carries it, so it cannot hold the
 * moment the write returned); tVisibleMs when the watcher first saw the doc.
 *
 * lagMs = tVisibleMs - tCommitMs, split into stages that add up to it exactly:
 *   capture  tCommitMs    -> dbzTsMs       commit returned -> Debezium processed
 *   publish  dbzTsMs      -> kafkaTsMs     Debezium -> appended to Kafka
 *   deliver  kafkaTsMs    -> consumedAtMs  Kafka -> consumed by a profile replica
 *   write    consumedAtMs -> writtenAtMs   consumed -> Mongo write issued
 *   observe  writtenAtMs  -> tVisibleMs    write issued -> seen by the watcher (includes
 *                                          the write itself and up to one watcher cycle)
 * The split starts at tCommitMs, not sourceTsMs, so it sums to lagMs; commitReturnMs =
 * tCommitMs - sourceTsMs is kept as an informational column. Stages mix clocks of whole-ms
 * resolution (Postgres, the JVM) with sub-ms ones, and Debezium can read a commit before the
 * writer hears COMMIT return, so a stage can be slightly negative.
 */
import { LabError } from '../errors.js';
import { CsvFileWriter, readCsvRecords, type CsvRecord, type CsvValue } from './csv.js';

export type SampleStatus = 'seen' | 'lost';

export interface LagSample {
  /** The offered write rate of the step this row belongs to (a sweep has several). */
  rateHz: number;
  seq: number;
  userId: string;
  tScheduledMs: number;
  tCommitMs: number;
  /** Null when lost: never seen within the watcher's timeout. */
  tVisibleMs: number | null;
  lagMs: number | null;
  sourceTsMs: number | null;
  dbzTsMs: number | null;
  kafkaTsMs: number | null;
  consumedAtMs: number | null;
  writtenAtMs: number | null;
  /** The profile replica that wrote the doc, as it names itself. */
  replica: string | null;
  status: SampleStatus;
}

/** What the runner knows about a row; status and lagMs follow from tVisibleMs. */
export type LagObservation = Omit<LagSample, 'lagMs' | 'status'>;

export function buildLagSample(observation: LagObservation): LagSample {
  const seen = observation.tVisibleMs !== null;
  return {
    ...observation,
    lagMs: seen ? (observation.tVisibleMs as number) - observation.tCommitMs : null,
    status: seen ? 'seen' : 'lost',
  };
}

type TimeField =
  | 'tCommitMs' | 'dbzTsMs' | 'kafkaTsMs' | 'consumedAtMs' | 'writtenAtMs' | 'tVisibleMs';

export const STAGES = [
  { name: 'capture', from: 'tCommitMs', to: 'dbzTsMs', label: 'commit → Debezium' },
  { name: 'publish', from: 'dbzTsMs', to: 'kafkaTsMs', label: 'Debezium → Kafka' },
  { name: 'deliver', from: 'kafkaTsMs', to: 'consumedAtMs', label: 'Kafka → consumer' },
  { name: 'write', from: 'consumedAtMs', to: 'writtenAtMs', label: 'consumer → write issued' },
  { name: 'observe', from: 'writtenAtMs', to: 'tVisibleMs', label: 'write issued → seen' },
] as const satisfies readonly { name: string; from: TimeField; to: TimeField; label: string }[];

export type StageName = (typeof STAGES)[number]['name'];

/** Each stage's duration, or null where either end is missing. */
export function stageDurationsMs(sample: LagSample): Record<StageName, number | null> {
  const out = {} as Record<StageName, number | null>;
  for (const stage of STAGES) {
    const from = sample[stage.from];
    const to = sample[stage.to];
    out[stage.name] = from === null || to === null ? null : to - from;
  }
  return out;
}

const BASE_COLUMNS = [
  'rateHz', 'seq', 'userId', 'tScheduledMs', 'tCommitMs', 'tVisibleMs', 'lagMs', 'sourceTsMs',
  'dbzTsMs', 'kafkaTsMs', 'consumedAtMs', 'writtenAtMs', 'replica', 'status',
] as const satisfies readonly (keyof LagSample)[];

/** Derived columns: written for spreadsheets, recomputed (not read) when loading. */
const DERIVED_COLUMNS = [
  'stageCaptureMs', 'stagePublishMs', 'stageDeliverMs', 'stageWriteMs', 'stageObserveMs',
  'commitReturnMs',
] as const;

export const LAG_SAMPLE_COLUMNS: readonly string[] = [...BASE_COLUMNS, ...DERIVED_COLUMNS];

export function lagSampleToCsv(sample: LagSample): CsvValue[] {
  const stages = stageDurationsMs(sample);
  const commitReturnMs = sample.sourceTsMs === null ? null : sample.tCommitMs - sample.sourceTsMs;
  return [
    ...BASE_COLUMNS.map((column) => sample[column]),
    ...STAGES.map((stage) => stages[stage.name]),
    commitReturnMs,
  ];
}

/** Streams samples to a CSV file as the run produces them. */
export class LagSampleWriter {
  private constructor(private readonly csv: CsvFileWriter) {}

  static async open(path: string): Promise<LagSampleWriter> {
    return new LagSampleWriter(await CsvFileWriter.open(path, LAG_SAMPLE_COLUMNS));
  }

  get rowsWritten(): number {
    return this.csv.rowsWritten;
  }

  write(sample: LagSample): Promise<void> {
    return this.csv.writeRow(lagSampleToCsv(sample));
  }

  close(): Promise<void> {
    return this.csv.close();
  }
}

export async function writeLagSamples(path: string, samples: Iterable<LagSample>): Promise<void> {
  const writer = await LagSampleWriter.open(path);
  for (const sample of samples) await writer.write(sample);
  await writer.close();
}

const NUMBER_TEXT = /^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/;

/** Turns one CSV record into a sample, naming file, line and column on bad input. */
class RecordReader {
  constructor(
    private readonly path: string,
    private readonly index: Map<string, number>,
    private readonly record: CsvRecord,
  ) {}

  text(column: string): string {
    return this.record.fields[this.index.get(column) as number] ?? '';
  }

  optionalNumber(column: string): number | null {
    const raw = this.text(column).trim();
    if (raw === '') return null;
    if (!NUMBER_TEXT.test(raw)) this.fail(column, `must be a number, got "${raw}"`);
    return Number(raw);
  }

  number(column: string): number {
    const value = this.optionalNumber(column);
    return value === null ? this.fail(column, 'is empty but required') : value;
  }

  fail(column: string, problem: string): never {
    const where = `${this.path} line ${this.record.line}`;
    throw new LabError('BAD_INPUT', `${where}: column ${column} ${problem}`);
  }
}

function sampleFromRecord(reader: RecordReader): LagSample {
  const status = reader.text('status');
  if (status !== 'seen' && status !== 'lost') {
    reader.fail('status', `must be "seen" or "lost", got "${status}"`);
  }
  const seq = reader.number('seq');
  if (!Number.isSafeInteger(seq)) reader.fail('seq', `must be a whole number, got ${seq}`);
  const userId = reader.text('userId');
  if (userId === '') reader.fail('userId', 'is empty but required');

  const sample: LagSample = {
    rateHz: reader.optionalNumber('rateHz') ?? 0,
    seq,
    userId,
    tScheduledMs: reader.number('tScheduledMs'),
    tCommitMs: reader.number('tCommitMs'),
    tVisibleMs: reader.optionalNumber('tVisibleMs'),
    lagMs: reader.optionalNumber('lagMs'),
    sourceTsMs: reader.optionalNumber('sourceTsMs'),
    dbzTsMs: reader.optionalNumber('dbzTsMs'),
    kafkaTsMs: reader.optionalNumber('kafkaTsMs'),
    consumedAtMs: reader.optionalNumber('consumedAtMs'),
    writtenAtMs: reader.optionalNumber('writtenAtMs'),
    replica: reader.text('replica') || null,
    status,
  };

  const seen = status === 'seen';
  if (seen !== (sample.tVisibleMs !== null) || seen !== (sample.lagMs !== null)) {
    reader.fail('status', `"${status}" disagrees with tVisibleMs/lagMs (seen rows have both)`);
  }
  return sample;
}

/** Reads a samples CSV written by LagSampleWriter; columns may come in any order. */
export async function readLagSamples(path: string): Promise<LagSample[]> {
  const samples: LagSample[] = [];
  let index: Map<string, number> | undefined;

  for await (const record of readCsvRecords(path)) {
    if (!index) {
      index = new Map(record.fields.map((name, i) => [name.trim(), i]));
      // rateHz came with rate sweeps; a file without it is a single-rate run (rate in run.json).
      const missing = BASE_COLUMNS.filter((column) => column !== 'rateHz' && !index?.has(column));
      if (missing.length > 0) {
        throw new LabError('BAD_INPUT', `${path} lacks columns ${missing.join(', ')}; ` +
          'is it a lag samples file written by authlab?');
      }
      continue;
    }
    samples.push(sampleFromRecord(new RecordReader(path, index, record)));
  }

  if (!index) throw new LabError('BAD_INPUT', `${path} is empty: expected a header row`);
  return samples;
}
