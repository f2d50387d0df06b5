/**
 * Building blocks of the self-contained HTML pages of replication-lag runs (report.html and
 * the comparison page): inline CSS, tables whose number cells name the summary.json figure
 * they print (data-figure), figures of inline SVG, and JSON embedded for tools. No script
 * runs and nothing loads from elsewhere, so a page reads offline.
 */
import { escapeXml as escapeHtml } from './svg-scale.js';
import type { TextTable } from './summary-tables.js';

export { escapeHtml };

const STYLE = `
body { font: 14px/1.45 system-ui, sans-serif; color: #222; margin: 2rem auto; max-width: 60rem;
  padding: 0 1rem; }
h1 { font-size: 1.5rem; } h2 { font-size: 1.15rem; margin-top: 2rem; }
table { border-collapse: collapse; margin: .5rem 0; }
th, td { border: 1px solid #ccc; padding: .25rem .6rem; text-align: left; }
td.num { text-align: right; font-variant-numeric: tabular-nums; }
th { background: #f4f4f4; }
p.note { color: #555; font-size: .9em; margin: .25rem 0 1rem; }
p.verdict { font-size: 1.05em; padding: .5rem .8rem; background: #f3f6fb;
  border-left: 4px solid #2f6db5; }
figure { margin: 1rem 0; } svg { max-width: 100%; height: auto; }
figcaption { color: #555; font-size: .9em; }
`;

/**
 * A table; with an empty head it has no header row. `figures` (per cell, a JSON path or
 * null) become data-figure attributes, so every printed number can be traced to the file.
 */
export function htmlTable(
  head: readonly string[],
  rows: readonly string[][],
  numericColumns: readonly number[] = [],
  figures?: readonly (string | null)[][],
): string {
  const th = head.map((h) => `<th>${escapeHtml(h)}</th>`).join('');
  const thead = head.length === 0 ? '' : `<thead><tr>${th}</tr></thead>`;
  const body = rows.map((row, r) => {
    const cells = row.map((value, i) => {
      const cls = numericColumns.includes(i) ? ' class="num"' : '';
      const figure = figures?.[r]?.[i];
      const data = figure ? ` data-figure="${escapeHtml(figure)}"` : '';
      return `<td${cls}${data}>${escapeHtml(value)}</td>`;
    });
    return `<tr>${cells.join('')}</tr>`;
  });
  return `<table>${thead}<tbody>${body.join('')}</tbody></table>`;
}

export function tableSection(table: TextTable, id?: string): string {
  const note = table.note ? `<p class="note">${escapeHtml(table.note)}</p>` : '';
  const attr = id ? ` data-table="${escapeHtml(id)}"` : '';
  return `<section${attr}><h2>${escapeHtml(table.title)}</h2>` +
    `${htmlTable(table.head, table.rows, table.numericColumns, table.figures)}${note}</section>`;
}

export function keyValueSection(title: string, entries: readonly [string, string][]): string {
  const body = entries.length === 0 ? '<p>(none)</p>' : htmlTable(['name', 'value'], entries);
  return `<section><h2>${escapeHtml(title)}</h2>${body}</section>`;
}

/** A chart in a figure tagged with its id (data-chart), with an optional caption. */
export function chartFigure(id: string, svg: string, caption?: string): string {
  const figcaption = caption ? `<figcaption>${escapeHtml(caption)}</figcaption>` : '';
  return `<figure data-chart="${escapeHtml(id)}">${svg}${figcaption}</figure>`;
}

/** JSON inside a script element: "</" and U+2028/9 must not end or break it. */
export function embeddedJson(id: string, value: unknown): string {
  const json = JSON.stringify(value, null, 2)
    .replaceAll('<', '\\u003c')
    .replaceAll('\u2028', '\\u2028')
    .replaceAll('\u2029', '\\u2029');
  return `<script type="application/json" id="${escapeHtml(id)}">${json}</script>`;
}

/** The whole page around already-rendered body parts. */
export function htmlPage(heading: string, body: readonly string[]): string {
  return [
    '<!DOCTYPE html>',
    '<html lang="en"><head><meta charset="utf-8">',
    `<title>${escapeHtml(heading)}</title>`,
    `<style>${STYLE}</style></head><body>`,
    `<h1>${escapeHtml(heading)}</h1>`,
    ...body,
    '</body></html>',
    '',
  ].join('\n');
}
