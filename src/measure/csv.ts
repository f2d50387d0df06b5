/**
 * A small RFC 4180 CSV writer and reader, both streaming, for raw samples. Hand-written
 * because the format we need is tiny (quoted fields, doubled quotes, CRLF) and a dependency
 * would cost more than these lines. Numbers are written with String(n), which reads back
 * to the identical double, so anything computed from a CSV equals what was computed in memory.
 */
import { createReadStream, createWriteStream, type WriteStream } from 'node:fs';
import { once } from 'node:events';
import { LabError, describeError } from '../errors.js';

export type CsvValue = string | number | null | undefined;

export interface CsvRecord {
  /** 1-based line where the record starts, for error messages. */
  line: number;
  fields: string[];
}

const NEEDS_QUOTES = /[",\r\n]/;

export function formatCsvField(value: CsvValue): string {
  if (value === null || value === undefined) return '';
  if (typeof value === 'number') {
    if (!Number.isFinite(value)) {
      throw new LabError('INTERNAL', `CSV field must be a finite number, got ${value}`);
    }
    return String(value);
  }
  return NEEDS_QUOTES.test(value) ? `"${value.replaceAll('"', '""')}"` : value;
}

/** One record with its CRLF terminator, as RFC 4180 writes it. */
export function formatCsvRecord(values: readonly CsvValue[]): string {
  return `${values.map(formatCsvField).join(',')}\r\n`;
}

/** Writes records to a file as they come, waiting when the stream's buffer is full. */
export class CsvFileWriter {
  private rows = 0;

  private constructor(
    readonly path: string,
    private readonly stream: WriteStream,
  ) {}

  static async open(path: string, header: readonly string[]): Promise<CsvFileWriter> {
    const stream = createWriteStream(path, { encoding: 'utf8' });
    try {
      await once(stream, 'open');
    } catch (error) {
      throw fileError('create', path, error);
    }
    const writer = new CsvFileWriter(path, stream);
    await writer.writeLine(formatCsvRecord(header));
    return writer;
  }

  get rowsWritten(): number {
    return this.rows;
  }

  async writeRow(values: readonly CsvValue[]): Promise<void> {
    await this.writeLine(formatCsvRecord(values));
    this.rows += 1;
  }

  async close(): Promise<void> {
    this.stream.end();
    try {
      await once(this.stream, 'finish');
    } catch (error) {
      throw fileError('finish writing', this.path, error);
    }
  }

  private async writeLine(text: string): Promise<void> {
    if (this.stream.write(text)) return;
    try {
      await once(this.stream, 'drain');
    } catch (error) {
      throw fileError('write', this.path, error);
    }
  }
}

function fileError(action: string, path: string, cause: unknown): LabError {
  return new LabError('INTERNAL', `could not ${action} ${path}: ${describeError(cause)}`, {
    cause,
  });
}

type State = 'fieldStart' | 'unquoted' | 'quoted' | 'quoteInQuoted';

/**
 * Incremental parser: feed text in chunks of any size, get complete records back.
 * Accepts CRLF or LF line ends, skips blank lines, and refuses a stray quote inside an
 * unquoted field or an unterminated quoted field, naming the line.
 */
export class CsvParser {
  private state: State = 'fieldStart';
  private field = '';
  private fieldQuoted = false;
  private record: string[] = [];
  private line = 1;
  private recordLine = 1;
  private skipLineFeed = false;
  private started = false;

  push(chunk: string): CsvRecord[] {
    const out: CsvRecord[] = [];
    let text = chunk;
    if (!this.started && text.length > 0) {
      this.started = true;
      if (text.startsWith('\uFEFF')) text = text.slice(1);
    }
    for (const ch of text) this.consume(ch, out);
    return out;
  }

  end(): CsvRecord[] {
    if (this.state === 'quoted') {
      const where = `line ${this.recordLine}`;
      throw new LabError('BAD_INPUT', `CSV quoted field opened on ${where} never closes`);
    }
    const out: CsvRecord[] = [];
    this.endRecord(out);
    return out;
  }

  private consume(ch: string, out: CsvRecord[]): void {
    if (this.skipLineFeed) {
      this.skipLineFeed = false;
      if (ch === '\n') return;
    }
    switch (this.state) {
      case 'fieldStart':
      case 'unquoted':
        return this.consumeUnquoted(ch, out);
      case 'quoted':
        if (ch === '"') this.state = 'quoteInQuoted';
        else this.field += ch;
        if (ch === '\n') this.line += 1;
        return;
      case 'quoteInQuoted':
        if (ch === '"') {
          this.field += '"';
          this.state = 'quoted';
        } else {
          this.consumeSeparator(ch, out, 'text after a closing quote');
        }
    }
  }

  private consumeUnquoted(ch: string, out: CsvRecord[]): void {
    if (ch === '"') {
      if (this.state === 'unquoted') this.fail('a quote inside an unquoted field');
      this.state = 'quoted';
      this.fieldQuoted = true;
      return;
    }
    if (ch === ',' || ch === '\r' || ch === '\n') return this.consumeSeparator(ch, out, '');
    this.field += ch;
    this.state = 'unquoted';
  }

  private consumeSeparator(ch: string, out: CsvRecord[], problem: string): void {
    if (ch === ',') {
      this.endField();
    } else if (ch === '\r' || ch === '\n') {
      this.endRecord(out);
      this.line += 1;
      this.recordLine = this.line;
      this.skipLineFeed = ch === '\r';
    } else {
      this.fail(problem);
    }
  }

  private endField(): void {
    this.record.push(this.field);
    this.field = '';
    this.fieldQuoted = false;
    this.state = 'fieldStart';
  }

  private endRecord(out: CsvRecord[]): void {
    const blank = this.record.length === 0 && this.field === '' && !this.fieldQuoted;
    if (!blank) {
      this.endField();
      out.push({ line: this.recordLine, fields: this.record });
    }
    this.record = [];
    this.field = '';
    this.fieldQuoted = false;
    this.state = 'fieldStart';
  }

  private fail(problem: string): never {
    throw new LabError('BAD_INPUT', `CSV line ${this.line}: ${problem}; is the file truncated?`);
  }
}

/** Reads a CSV file record by record without holding the whole file in memory. */
export async function* readCsvRecords(path: string): AsyncGenerator<CsvRecord> {
  const parser = new CsvParser();
  const stream = createReadStream(path, { encoding: 'utf8' });
  try {
    for await (const chunk of stream) yield* parser.push(chunk as string);
  } catch (error) {
    if (error instanceof LabError) throw error;
    throw fileError('read', path, error);
  }
  yield* parser.end();
}
