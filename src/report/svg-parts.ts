/**
 * Pieces every SVG chart shares: the frame with its title, text in the chart font, the colour
 * palette, and legends (a boxed list, or items flowed in rows under the plot).
 */
import { escapeXml, px } from './svg-scale.js';

export const PALETTE = ['#2f6db5', '#d9731a', '#3a9a4a', '#b83b3b', '#7a52a8', '#8a6d3b'];
export const MARGIN = { top: 34, right: 20, bottom: 46, left: 62 };
/** About how wide an 11 px system-ui character is, for sizing boxes around labels. */
export const CHAR_WIDTH_PX = 6.5;
const FONT = 'font-family="system-ui, sans-serif" fill="#333"';
const LINE_PX = 16;

export function openSvg(width: number, height: number, title: string): string {
  return `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" ` +
    `viewBox="0 0 ${width} ${height}" role="img"><title>${escapeXml(title)}</title>` +
    `<rect width="${width}" height="${height}" fill="#fff"/>` +
    `<text x="${MARGIN.left}" y="20" ${FONT} font-size="13" font-weight="600">` +
    `${escapeXml(title)}</text>`;
}

export function text(x: number, y: number, content: string, extra = ''): string {
  return `<text x="${px(x)}" y="${px(y)}" ${FONT} font-size="11" ${extra}>` +
    `${escapeXml(content)}</text>`;
}

export interface LegendItem {
  text: string;
  color: string;
  /** Drawn as a short dashed line instead of a swatch. */
  dashed?: boolean;
}

const itemWidthPx = (item: LegendItem) => Math.ceil(item.text.length * CHAR_WIDTH_PX) + 30;

function swatch(item: LegendItem, x: number, y: number): string {
  const mark = item.dashed
    ? `<path d="M${px(x)} ${y + 5}h12" stroke="${item.color}" stroke-width="2" ` +
      'stroke-dasharray="4 2"/>'
    : `<rect x="${px(x)}" y="${y}" width="10" height="10" fill="${item.color}"/>`;
  return mark + text(x + 16, y + 9, item.text);
}

/** Width of a boxed legend: its longest text plus the swatch. */
export function legendWidthPx(items: readonly LegendItem[]): number {
  return Math.max(0, ...items.map(itemWidthPx)) - 4;
}

/** One item per line in a white box whose top left corner is (x, y). */
export function legendBox(items: readonly LegendItem[], x: number, y: number): string {
  const parts = ['<g class="legend">', `<rect x="${px(x)}" y="${y}" ` +
    `width="${legendWidthPx(items)}" height="${items.length * LINE_PX + 6}" fill="#fff" ` +
    'fill-opacity="0.85"/>'];
  items.forEach((item, i) => parts.push(swatch(item, x + 6, y + 4 + i * LINE_PX)));
  parts.push('</g>');
  return parts.join('');
}

/** Items placed left to right from `left`, wrapping before `right`, lines from `top` down. */
export function flowLegend(
  items: readonly LegendItem[], left: number, right: number, top: number,
): { svg: string; height: number } {
  let x = left;
  let line = 0;
  const parts = ['<g class="legend">'];
  for (const item of items) {
    const width = itemWidthPx(item);
    if (x + width > right && x > left) {
      x = left;
      line += 1;
    }
    parts.push(swatch(item, x, top + line * LINE_PX));
    x += width;
  }
  parts.push('</g>');
  return { svg: parts.join(''), height: items.length === 0 ? 0 : (line + 1) * LINE_PX };
}
