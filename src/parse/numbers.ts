/**
 * Strict number parsing for flags and settings: "12abc", "", "1e3" for an integer,
 * NaN and out-of-range values are refused with a message naming the setting.
 */
import { badInput } from '../errors.js';

export interface RangeRule {
  /** What the value is, as the user knows it: "--count", "port base". */
  name: string;
  min?: number;
  max?: number;
  /** True when the minimum itself is not allowed (a rate must be > 0). */
  exclusiveMin?: boolean;
}

const INTEGER = /^[+-]?\d+$/;
const DECIMAL = /^[+-]?(\d+\.?\d*|\.\d+)$/;

function checkRange(value: number, raw: string, rule: RangeRule): number {
  const { name, min, max, exclusiveMin } = rule;
  if (min !== undefined && (exclusiveMin ? value <= min : value < min)) {
    const bound = exclusiveMin ? `greater than ${min}` : `at least ${min}`;
    throw badInput(`${name} must be ${bound}, got ${raw}`);
  }
  if (max !== undefined && value > max) {
    throw badInput(`${name} must be at most ${max}, got ${raw}`);
  }
  return value;
}

export function parseInteger(raw: string, rule: RangeRule): number {
  const text = raw.trim();
  if (!INTEGER.test(text)) throw badInput(`${rule.name} must be a whole number, got "${raw}"`);
  const value = Number(text);
  if (!Number.isSafeInteger(value)) throw badInput(`${rule.name} is too large: ${raw}`);
  return checkRange(value, text, rule);
}

export function parseDecimal(raw: string, rule: RangeRule): number {
  const text = raw.trim();
  if (!DECIMAL.test(text)) throw badInput(`${rule.name} must be a number, got "${raw}"`);
  const value = Number(text);
  if (!Number.isFinite(value)) throw badInput(`${rule.name} must be a finite number, got ${raw}`);
  return checkRange(value, text, rule);
}
