/**
 * The generator's experiment parameters, shared by `load` and `scale-auth`, and the step from
 * parsed values to LoadOptions. Every limit here is checked before a run folder exists.
 */
import type { ParamSpec, ParamValues } from '../experiments/experiment-definition.js';
import type { LoadOptions } from './load-generator.js';
import { LOAD_DEFAULTS, LOAD_LIMITS } from './load-limits.js';
import { parseMix } from './mix.js';
import { checkTargetSpec, type LoadTarget } from './target.js';
import type { LoadModel } from './worker-protocol.js';

export interface GeneratorDefaults {
  rateHz: number;
  durationS: number;
  warmupS: number;
}

export function generatorParams(defaults: GeneratorDefaults): ParamSpec[] {
  return [
    { name: 'rate', kind: 'number', default: defaults.rateHz, min: 0, exclusiveMin: true,
      max: LOAD_LIMITS.maxRateHz, unit: 'req/s', help: 'requests per second offered (open mode)' },
    { name: 'duration', kind: 'number', default: defaults.durationS, min: 0, exclusiveMin: true,
      max: LOAD_LIMITS.maxDurationS, unit: 's', help: 'measured time, after the warm-up' },
    { name: 'warmup', kind: 'number', default: defaults.warmupS, min: 0,
      max: LOAD_LIMITS.maxWarmupS, unit: 's', help: 'time under load before measuring' },
    { name: 'mix', kind: 'text', default: LOAD_DEFAULTS.mix, unit: 'op=weight,...',
      check: (raw, flag) => { parseMix(raw, flag); return raw; },
      help: 'operations and weights: signup, login, refresh, me, healthz' },
    { name: 'mode', kind: 'choice', default: 'open', choices: ['open', 'closed'],
      help: 'open: requests on a schedule at --rate; closed: --connections loops back to back' },
    { name: 'connections', kind: 'int', default: LOAD_DEFAULTS.connections, min: 1,
      max: LOAD_LIMITS.maxConnections, unit: 'n', help: 'sockets to each target address' },
    { name: 'target', kind: 'text', default: 'auto', unit: 'target', check: checkTargetSpec,
      help: 'nginx, auth-N, replicas (client-side round robin) or a loopback URL; ' +
        'auto: nginx when the lab runs it' },
    { name: 'users', kind: 'int', default: LOAD_DEFAULTS.users, min: 1, max: LOAD_LIMITS.maxUsers,
      unit: 'n', help: 'accounts created before the run for login, refresh and me' },
    { name: 'workers', kind: 'int', default: 0, min: 0, max: LOAD_LIMITS.maxWorkers, unit: 'n',
      help: 'generator threads; 0 picks from the rate and connections' },
    { name: 'timeout', kind: 'int', default: LOAD_DEFAULTS.timeoutMs,
      min: LOAD_LIMITS.minTimeoutMs, max: LOAD_LIMITS.maxTimeoutMs, unit: 'ms',
      help: 'a request without an answer after this long is a timeout' },
    { name: 'max-requests', kind: 'int', default: LOAD_LIMITS.maxRequests, min: 1,
      max: LOAD_LIMITS.maxRequests, unit: 'n', help: 'hard cap on requests sent' },
  ];
}

export function loadOptionsFrom(
  params: ParamValues, target: LoadTarget, signal: AbortSignal, say: (line: string) => void,
): LoadOptions {
  return {
    target,
    model: params.mode as LoadModel,
    rateHz: params.rate as number,
    durationS: params.duration as number,
    warmupS: params.warmup as number,
    connections: params.connections as number,
    mix: parseMix(params.mix as string),
    users: params.users as number,
    workers: params.workers as number,
    timeoutMs: params.timeout as number,
    maxRequests: params['max-requests'] as number,
    signal,
    say,
  };
}
