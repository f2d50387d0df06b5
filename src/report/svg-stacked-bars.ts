/**
 * Horizontal stacked bars as SVG: one row per group (e.g. a write rate), one coloured segment
 * per part (e.g. a pipeline stage), a legend of the parts above the plot and a text at the end
 * of each bar. Each segment carries a <title>, so a browser shows its value on hover.
 */
import { CHAR_WIDTH_PX, MARGIN, PALETTE, flowLegend, openSvg, text } from './svg-parts.js';
import { escapeXml, formatTick, linearScale, niceDomain, niceTicks, px } from './svg-scale.js';

export interface StackedRow {
  label: string;
  /** One value per part, in the order of `parts`; negative values count as 0. */
  values: readonly number[];
  /** Shown after the bar; the total with 2 decimals when absent. */
  valueText?: string;
}

export interface StackedBarOptions {
  title: string;
  xLabel: string;
  parts: readonly string[];
  rows: readonly StackedRow[];
  /** Unit appended to segment hover titles, e.g. "ms". */
  unit?: string;
  width?: number;
}

const ROW_HEIGHT_PX = 28;

const textWidth = (content: string) => Math.ceil(content.length * CHAR_WIDTH_PX);

export function stackedBarChart(options: StackedBarOptions): string {
  const width = options.width ?? 640;
  const totals = options.rows.map((row) => row.values.reduce((s, v) => s + Math.max(0, v), 0));
  const endTexts = options.rows.map((row, i) => row.valueText ?? (totals[i] ?? 0).toFixed(2));
  const labelWidthPx = Math.min(width / 3,
    Math.max(60, textWidth(options.rows.reduce((l, r) => (r.label.length > l.length
      ? r.label : l), '')) + 16));
  const endWidthPx = Math.max(40, ...endTexts.map(textWidth)) + 10;

  const legend = flowLegend(options.parts.map((part, i) => ({
    text: part, color: PALETTE[i % PALETTE.length] as string,
  })), labelWidthPx, width - MARGIN.right, MARGIN.top - 6);
  const top = MARGIN.top - 6 + legend.height + 8;
  const bottom = top + options.rows.length * ROW_HEIGHT_PX;
  const height = bottom + MARGIN.bottom;
  const xDomain = niceDomain(0, Math.max(0, ...totals));
  const left = labelWidthPx;
  const right = width - MARGIN.right - endWidthPx;
  const x = linearScale(xDomain, [left, right]);

  const parts = [openSvg(width, height, options.title), legend.svg, '<g class="axes">'];
  for (const tick of niceTicks(xDomain)) {
    parts.push(`<line x1="${px(x(tick))}" y1="${top}" x2="${px(x(tick))}" y2="${bottom}" ` +
      'stroke="#eee"/>');
    parts.push(text(x(tick), bottom + 15, formatTick(tick, xDomain), 'text-anchor="middle"'));
  }
  parts.push(text((left + right) / 2, bottom + 36, options.xLabel, 'text-anchor="middle"'));
  parts.push('</g>');

  const unit = options.unit ? ` ${options.unit}` : '';
  options.rows.forEach((row, i) => {
    const y = top + i * ROW_HEIGHT_PX;
    parts.push(text(left - 8, y + 18, row.label, 'text-anchor="end"'));
    let from = 0;
    row.values.forEach((raw, j) => {
      const value = Math.max(0, raw);
      const x0 = x(from);
      const x1 = x(from + value);
      from += value;
      if (x1 - x0 <= 0) return;
      const hover = `${options.parts[j] ?? ''}: ${raw.toFixed(2)}${unit}`;
      parts.push(`<rect x="${px(x0)}" y="${y + 5}" width="${px(x1 - x0)}" ` +
        `height="${ROW_HEIGHT_PX - 10}" fill="${PALETTE[j % PALETTE.length]}">` +
        `<title>${escapeXml(hover)}</title></rect>`);
    });
    parts.push(text(x(from) + 5, y + 18, endTexts[i] ?? ''));
  });
  if (options.rows.length === 0) {
    parts.push(text((left + right) / 2, top + 14, 'no data', 'text-anchor="middle"'));
  }
  parts.push(`<line x1="${px(x(0))}" y1="${top}" x2="${px(x(0))}" y2="${bottom}" stroke="#555"/>`);
  parts.push('</svg>');
  return parts.join('');
}
