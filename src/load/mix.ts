/**
 * A workload mix: operations with weights, written `signup=10,login=60,refresh=20,me=10`.
 * The picker turns weights into a deterministic sequence (smooth weighted round robin), so
 * every full cycle holds each operation exactly its weight's share: per-operation counts are
 * predictable and a run can be compared with the next one request for request.
 */
import { badInput } from '../errors.js';

/** Every operation the generator knows; see workload.ts for what each one sends. */
export const OPERATIONS = ['signup', 'login', 'refresh', 'me', 'healthz'] as const;
export type OperationName = (typeof OPERATIONS)[number];

/** Operations that need the user pool (credentials or tokens) created before the run. */
export const NEEDS_USERS: readonly OperationName[] = ['login', 'refresh', 'me'];

export type Mix = Readonly<Partial<Record<OperationName, number>>>;

/** Largest weight accepted: weights are proportions, a larger number is a typo. */
const MAX_WEIGHT = 1_000_000;
const WEIGHT = /^(\d+\.?\d*|\.\d+)$/;

function isOperation(name: string): name is OperationName {
  return (OPERATIONS as readonly string[]).includes(name);
}

export function parseMix(raw: string, flag = '--mix'): Mix {
  const mix: Partial<Record<OperationName, number>> = {};
  const entries = raw.split(',').map((entry) => entry.trim()).filter(Boolean);
  if (entries.length === 0) {
    throw badInput(`${flag} is empty; give operation=weight pairs, e.g. login=60,me=40`);
  }

  for (const entry of entries) {
    const match = /^([^=:]+)[=:](.*)$/.exec(entry);
    if (!match) throw badInput(`${flag}: "${entry}" is not operation=weight (e.g. login=60)`);
    const name = (match[1] as string).trim();
    const text = (match[2] as string).trim();
    if (!isOperation(name)) {
      throw badInput(`${flag}: unknown operation "${name}"; known: ${OPERATIONS.join(', ')}`);
    }
    if (mix[name] !== undefined) throw badInput(`${flag}: ${name} is given twice`);
    if (text.startsWith('-')) {
      throw badInput(`${flag}: the weight of ${name} is negative (${text}); weights are >= 0`);
    }
    const weight = Number(text);
    if (!WEIGHT.test(text) || !Number.isFinite(weight) || weight > MAX_WEIGHT) {
      throw badInput(`${flag}: the weight of ${name} must be a number from 0 to ${MAX_WEIGHT}, ` +
        `got "${text}"`);
    }
    mix[name] = weight;
  }

  if (!Object.values(mix).some((weight) => weight > 0)) {
    throw badInput(`${flag}: every weight is 0; at least one operation needs a weight above 0`);
  }
  return Object.freeze(mix);
}

export function formatMix(mix: Mix): string {
  return Object.entries(mix).map(([name, weight]) => `${name}=${weight}`).join(',');
}

/** Operations with a weight above 0, in OPERATIONS order. */
export function activeOperations(mix: Mix): OperationName[] {
  return OPERATIONS.filter((name) => (mix[name] ?? 0) > 0);
}

/**
 * Smooth weighted round robin: each step every operation gains its weight, the one with the
 * most credit is picked and pays the total. Over any window each operation's count is within
 * one of its exact share, and the picks of one operation are spread out, not bunched.
 */
export class MixPicker {
  private readonly names: OperationName[];
  private readonly weights: number[];
  private readonly credit: number[];
  private readonly total: number;

  constructor(mix: Mix) {
    this.names = activeOperations(mix);
    this.weights = this.names.map((name) => mix[name] as number);
    this.credit = this.names.map(() => 0);
    this.total = this.weights.reduce((sum, weight) => sum + weight, 0);
  }

  next(): OperationName {
    let best = 0;
    for (let i = 0; i < this.names.length; i += 1) {
      (this.credit[i] as number) += this.weights[i] as number;
      if ((this.credit[i] as number) > (this.credit[best] as number)) best = i;
    }
    (this.credit[best] as number) -= this.total;
    return this.names[best] as OperationName;
  }

  /** Advances past `count` picks: a worker that owns every n-th request skips the others. */
  skip(count: number): void {
    for (let i = 0; i < count; i += 1) this.next();
  }
}
