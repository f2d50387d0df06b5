/**
 * Reading the numbers back out of a report page: every cell tagged data-figure="path" names
 * the figure of summary.json it prints, so a test can check each one against the file.
 */
import assert from 'node:assert/strict';

export interface FigureCell {
  path: string;
  text: string;
}

const CELL = /<td\b[^>]*\bdata-figure="([^"]+)"[^>]*>([^<]*)<\/td>/g;

function unescape(text: string): string {
  return text.replaceAll('&lt;', '<').replaceAll('&gt;', '>').replaceAll('&quot;', '"')
    .replaceAll('&#39;', "'").replaceAll('&amp;', '&');
}

export function figureCells(html: string): FigureCell[] {
  return [...html.matchAll(CELL)].map((m) => ({ path: unescape(m[1] ?? ''),
    text: unescape(m[2] ?? '').trim() }));
}

/** The value at a dotted path ("steps.0.summary.lagMs.p50"); undefined when absent. */
export function valueAt(json: unknown, path: string): unknown {
  let value = json;
  for (const key of path.split('.')) {
    if (value === null || typeof value !== 'object') return undefined;
    value = (value as Record<string, unknown>)[key];
  }
  return value;
}

/** The page prints `value` rounded to the decimals it shows ("12.35", "600"), or "–" for null. */
export function assertPrints(text: string, value: unknown, where: string): void {
  if (value === null) {
    assert.equal(text, '–', `${where}: null prints as –`);
    return;
  }
  assert.equal(typeof value, 'number', `${where}: summary.json has a number there`);
  const decimals = /\.(\d+)$/.exec(text)?.[1]?.length ?? 0;
  assert.equal(text, (value as number).toFixed(decimals), `${where}: printed ${text}`);
}

/** Checks every tagged cell of a page against the JSON it came from; returns the cells. */
export function assertFiguresMatch(html: string, json: unknown): FigureCell[] {
  const cells = figureCells(html);
  for (const cell of cells) {
    assertPrints(cell.text, valueAt(json, cell.path), cell.path);
  }
  return cells;
}
