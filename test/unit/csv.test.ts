import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  CsvFileWriter, CsvParser, formatCsvRecord, readCsvRecords,
} from '../../src/measure/csv.js';

test('fields are quoted only when they need it', () => {
  const cases: [Parameters<typeof formatCsvRecord>[0], string][] = [
    [['a', 'b'], 'a,b\r\n'],
    [['a,b', 'c'], '"a,b",c\r\n'],
    [['say "hi"'], '"say ""hi"""\r\n'],
    [['two\nlines', ''], '"two\nlines",\r\n'],
    [[1.5, null, undefined, -0.001], '1.5,,,-0.001\r\n'],
  ];
  for (const [values, want] of cases) assert.equal(formatCsvRecord(values), want);
});

test('the parser reads quoted fields, CRLF and LF, and skips blank lines', () => {
  const text = 'a,b\r\n"x,1","say ""hi"""\n\n"multi\nline",\r\nlast,row';
  const parser = new CsvParser();
  const records = [...parser.push(text), ...parser.end()];
  assert.deepEqual(records, [
    { line: 1, fields: ['a', 'b'] },
    { line: 2, fields: ['x,1', 'say "hi"'] },
    { line: 4, fields: ['multi\nline', ''] },
    { line: 6, fields: ['last', 'row'] },
  ]);
});

test('the parser gives the same records whatever the chunk size', () => {
  const text = 'h1,h2\r\n"a\r\nb","c""d"\r\n1,2\r\n';
  const whole = new CsvParser();
  const expected = [...whole.push(text), ...whole.end()];
  for (const size of [1, 2, 3, 5]) {
    const parser = new CsvParser();
    const got = [];
    for (let i = 0; i < text.length; i += size) got.push(...parser.push(text.slice(i, i + size)));
    got.push(...parser.end());
    assert.deepEqual(got, expected, `chunk size ${size}`);
  }
});

test('the parser refuses broken quoting and names the line', () => {
  const cases = [
    { text: 'a,b\nc"d,e\n', message: /line 2.*quote inside an unquoted field/ },
    { text: 'a\n"open,b\n', message: /line 2 never closes/ },
    { text: '"a"x,b\n', message: /line 1.*after a closing quote/ },
  ];
  for (const { text, message } of cases) {
    const parser = new CsvParser();
    assert.throws(() => { parser.push(text); parser.end(); }, { code: 'BAD_INPUT', message });
  }
});

test('a file written row by row reads back field for field', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'authlab-csv-'));
  try {
    const path = join(dir, 'rows.csv');
    const writer = await CsvFileWriter.open(path, ['n', 'text']);
    for (let i = 0; i < 2000; i += 1) await writer.writeRow([i / 3, `row "${i}", ok`]);
    await writer.close();
    assert.equal(writer.rowsWritten, 2000);

    const records = [];
    for await (const record of readCsvRecords(path)) records.push(record.fields);
    assert.equal(records.length, 2001);
    assert.deepEqual(records[0], ['n', 'text']);
    assert.deepEqual(records[1000], [String(999 / 3), 'row "999", ok']);
    assert.equal(Number(records[1000]?.[0]), 999 / 3);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});

test('a leading byte-order mark is ignored', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'authlab-csv-'));
  try {
    const path = join(dir, 'bom.csv');
    await writeFile(path, '\uFEFFseq,x\r\n1,2\r\n');
    const records = [];
    for await (const record of readCsvRecords(path)) records.push(record.fields);
    assert.deepEqual(records, [['seq', 'x'], ['1', '2']]);
    assert.ok((await readFile(path, 'utf8')).length > 0);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});
