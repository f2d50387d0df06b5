/**
 * Parses an experiment's own flags (`--count 200 --rate=50`) against its parameter specs.
 * Every value is checked before the run starts, so a bad one changes nothing.
 */
import { badInput } from '../errors.js';
import { parseDecimal, parseInteger } from '../parse/numbers.js';
import type { ParamSpec, ParamValues } from './experiment-definition.js';

function flagName(name: string): string {
  return `--${name}`;
}

function parseValue(spec: ParamSpec, raw: string): number | string {
  const rule = {
    name: flagName(spec.name), min: spec.min, max: spec.max, exclusiveMin: spec.exclusiveMin,
  };
  switch (spec.kind) {
    case 'int': return parseInteger(raw, rule);
    case 'number': return parseDecimal(raw, rule);
    case 'choice':
      if (!spec.choices?.includes(raw)) {
        throw badInput(
          `${flagName(spec.name)} must be one of ${spec.choices?.join(', ')}, got "${raw}"`);
      }
      return raw;
    case 'text': return spec.check ? spec.check(raw, flagName(spec.name)) : raw;
  }
}

export function parseParams(experiment: string, specs: readonly ParamSpec[], args: string[]) {
  const values: ParamValues = Object.fromEntries(specs.map((s) => [s.name, s.default]));
  const given = new Set<string>();
  const known = specs.map((s) => flagName(s.name)).join(', ');

  for (let i = 0; i < args.length; i += 1) {
    const arg = args[i] as string;
    if (!arg.startsWith('--')) throw badInput(`unexpected argument "${arg}" for ${experiment}`);
    const equals = arg.indexOf('=');
    const flag = equals === -1 ? arg : arg.slice(0, equals);
    const inline = equals === -1 ? undefined : arg.slice(equals + 1);
    const spec = specs.find((s) => flagName(s.name) === flag);
    if (!spec) throw badInput(`${experiment} has no option ${flag}; its options: ${known}`);
    if (given.has(spec.name)) throw badInput(`${flag} is given twice`);
    given.add(spec.name);

    const raw = inline ?? args[i + 1];
    if (raw === undefined || (inline === undefined && raw.startsWith('--') && !/^--?\d/.test(raw))) {
      throw badInput(`${flag} needs a value`);
    }
    if (inline === undefined) i += 1;
    values[spec.name] = parseValue(spec, raw);
  }
  refuseExcluded(specs, given);
  return Object.freeze(values);
}

/** An option that would be silently ignored beside another one is refused instead. */
function refuseExcluded(specs: readonly ParamSpec[], given: Set<string>): void {
  for (const spec of specs) {
    if (!given.has(spec.name) || !spec.excludes) continue;
    const clash = spec.excludes.names.find((name) => given.has(name));
    if (clash !== undefined) {
      throw badInput(`${flagName(spec.name)} and ${flagName(clash)} cannot be used together: ` +
        spec.excludes.why);
    }
  }
}

export function describeParams(specs: readonly ParamSpec[]): string {
  return specs.map((s) => {
    if (s.kind === 'text') {
      return `  --${s.name} <${s.unit ?? 'text'}>  ${s.help} (default ${s.default || 'none'})`;
    }
    const range = s.kind === 'choice' ? s.choices?.join('|') :
      `${s.exclusiveMin ? '>' : ''}${s.min ?? ''}..${s.max ?? ''}`;
    return `  --${s.name} <${s.unit ?? s.kind}>  ${s.help} (default ${s.default}; ${range})`;
  }).join('\n');
}
