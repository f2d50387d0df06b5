/**
 * Numeric helpers behind the SVG charts: linear scales, "nice" tick steps (1, 2, 5 × 10^k),
 * tick labels and XML escaping. Pure functions with no drawing in them.
 */

export type Domain = readonly [number, number];

export function escapeXml(text: string): string {
  return text
    .replaceAll('&', '&amp;')
    .replaceAll('<', '&lt;')
    .replaceAll('>', '&gt;')
    .replaceAll('"', '&quot;')
    .replaceAll("'", '&#39;');
}

/** Coordinates to 0.1 px: invisible loss, much shorter SVG. */
export function px(value: number): string {
  return String(Math.round(value * 10) / 10);
}

/** Maps a domain onto a range linearly; a zero-width domain maps to the range's middle. */
export function linearScale(domain: Domain, range: Domain): (value: number) => number {
  const [d0, d1] = domain;
  const [r0, r1] = range;
  if (d1 === d0) return () => (r0 + r1) / 2;
  const ratio = (r1 - r0) / (d1 - d0);
  return (value) => r0 + (value - d0) * ratio;
}

/** A tick step of 1, 2 or 5 × 10^k giving about `maxCount` intervals over the span. */
export function niceStep(span: number, maxCount = 6): number {
  if (!(span > 0) || !Number.isFinite(span)) return 1;
  const raw = span / maxCount;
  const magnitude = 10 ** Math.floor(Math.log10(raw));
  const residual = raw / magnitude;
  // Round to the nearest of 1, 2, 5, 10 on a log scale, so the count lands near maxCount.
  const factor = residual >= Math.sqrt(50) ? 10 : residual >= Math.sqrt(10) ? 5
    : residual >= Math.SQRT2 ? 2 : 1;
  return factor * magnitude;
}

function decimalsFor(step: number): number {
  return Math.max(0, -Math.floor(Math.log10(step) + 1e-9));
}

/** Widens a domain to whole tick steps; an empty or single-value domain gets some width. */
export function niceDomain(min: number, max: number, maxCount = 6): Domain {
  let lo = Number.isFinite(min) ? min : 0;
  let hi = Number.isFinite(max) ? max : 1;
  if (hi < lo) [lo, hi] = [hi, lo];
  if (hi === lo) {
    const pad = lo === 0 ? 1 : Math.abs(lo) * 0.1;
    lo -= lo === 0 ? 0 : pad;
    hi += pad;
  }
  const step = niceStep(hi - lo, maxCount);
  const round = (value: number) => Number(value.toFixed(decimalsFor(step)));
  return [round(Math.floor(lo / step + 1e-9) * step), round(Math.ceil(hi / step - 1e-9) * step)];
}

/** Ticks at whole multiples of a nice step inside the domain, free of float noise. */
export function niceTicks(domain: Domain, maxCount = 6): number[] {
  const [lo, hi] = domain;
  const step = niceStep(hi - lo, maxCount);
  const decimals = decimalsFor(step);
  const ticks: number[] = [];
  for (let k = Math.ceil(lo / step - 1e-9); k * step <= hi + step * 1e-9; k += 1) {
    ticks.push(Number((k * step).toFixed(decimals)));
  }
  return ticks;
}

/** A tick label with as many decimals as its step needs. */
export function formatTick(value: number, domain: Domain, maxCount = 6): string {
  const step = niceStep(domain[1] - domain[0], maxCount);
  return value.toFixed(decimalsFor(step));
}

/**
 * Maps a positive domain onto a range on a log10 scale. Values at or below the domain's low
 * end land on it, so a zero or negative lag still draws (at the edge) instead of vanishing.
 */
export function logScale(domain: Domain, range: Domain): (value: number) => number {
  const toLog = linearScale([Math.log10(domain[0]), Math.log10(domain[1])], range);
  return (value) => toLog(Math.log10(Math.max(value, domain[0])));
}

/** Whole decades around [min, max]; min is floored at `floor` so a zero value stays drawable. */
export function logDomain(min: number, max: number, floor = 0.1): Domain {
  const lo = 10 ** Math.floor(Math.log10(Math.max(min, floor)));
  const hi = 10 ** Math.ceil(Math.log10(Math.max(max, floor)));
  return [lo, hi > lo ? hi : lo * 10];
}

/** Ticks at 1, 2 and 5 × 10^k over up to three decades, at powers of ten beyond that. */
export function logTicks(domain: Domain): number[] {
  const [lo, hi] = domain;
  const decades = Math.round(Math.log10(hi / lo));
  const mantissas = decades <= 3 ? [1, 2, 5] : [1];
  const ticks: number[] = [];
  for (let k = Math.floor(Math.log10(lo)); k <= Math.ceil(Math.log10(hi)); k += 1) {
    for (const m of mantissas) {
      const value = Number((m * 10 ** k).toPrecision(1));
      if (value >= lo * (1 - 1e-9) && value <= hi * (1 + 1e-9)) ticks.push(value);
    }
  }
  return ticks;
}

/** A log-axis tick label: plain digits, no float noise ("0.2", "50", "2000"). */
export function formatLogTick(value: number): string {
  return value >= 1 ? String(Math.round(value)) : String(Number(value.toPrecision(1)));
}
