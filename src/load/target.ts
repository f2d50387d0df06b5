/**
 * Where the load goes. The generator sends only to loopback: a target is a lab replica by
 * name (nginx, auth-N), every auth replica in turn (replicas), or an http URL whose host is
 * 127.0.0.0/8, ::1 or localhost. Anything else is refused before a request is sent.
 */
import { LabError, badInput } from '../errors.js';
import type { RunningLab } from '../lab/running-lab.js';

export interface LoadTarget {
  /** What the user chose or the default resolved to: nginx, auth-2, replicas, a URL. */
  name: string;
  /** How requests reach the service, for the report. */
  description: string;
  /** Origins (scheme://host:port), used in turn; all on loopback. */
  origins: string[];
}

/** What the target defaults to when the lab has no nginx replica. */
export type TargetFallback = 'auth-1' | 'replicas';

const NAMED = /^(nginx|replicas|auto|auth-[1-9]\d*)$/;

function isLoopbackIpv4(host: string): boolean {
  const parts = host.split('.');
  if (parts.length !== 4 || parts[0] !== '127') return false;
  return parts.every((part) => /^\d{1,3}$/.test(part) && Number(part) <= 255);
}

/** True for hosts that can only be this machine. `localhost` is mapped to 127.0.0.1 later. */
export function isLoopbackHost(hostname: string): boolean {
  return hostname === 'localhost' || hostname === '[::1]' || isLoopbackIpv4(hostname);
}

/**
 * The origin of a loopback http URL, or BAD_INPUT saying why not. `localhost` becomes
 * 127.0.0.1 so a resolver can never send the load elsewhere.
 */
export function loopbackOrigin(raw: string, flag = '--target'): string {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw badInput(`${flag} "${raw}" is neither a lab replica (nginx, auth-N, replicas) nor ` +
      'a URL like http://127.0.0.1:8080');
  }
  if (url.protocol !== 'http:') {
    throw badInput(`${flag} must be an http:// URL (the lab speaks plain HTTP), ` +
      `got ${url.protocol}`);
  }
  if (!isLoopbackHost(url.hostname)) {
    throw badInput(`${flag} host "${url.hostname}" is not loopback; authlab sends load only to ` +
      '127.0.0.1, ::1 or localhost');
  }
  if (url.username || url.password || url.search || url.hash || url.pathname !== '/') {
    throw badInput(`${flag} must be an origin only (http://127.0.0.1:PORT), got "${raw}"; the ` +
      'paths come from the operations');
  }
  const host = url.hostname === 'localhost' ? '127.0.0.1' : url.hostname;
  return `http://${host}${url.port ? `:${url.port}` : ''}`;
}

/** Checks a --target value's form (not yet whether the lab has that replica). */
export function checkTargetSpec(raw: string, flag = '--target'): string {
  const spec = raw.trim();
  if (NAMED.test(spec)) return spec;
  loopbackOrigin(spec, flag);
  return spec;
}

function noReplica(name: string, lab: RunningLab): LabError {
  const known = Object.keys(lab.state.replicas).join(', ');
  return badInput(`--target ${name}: the lab has no such replica running (replicas: ${known}); ` +
    `start it (authlab up / authlab scale) or pick another target`);
}

function authReplicas(lab: RunningLab) {
  return lab.replicas('auth').filter((record) => record.held === undefined);
}

/** Resolves a checked --target against the running lab. */
export function resolveTarget(
  spec: string, lab: RunningLab, fallback: TargetFallback = 'auth-1',
): LoadTarget {
  const hasNginx = lab.replicas('nginx').some((record) => record.held === undefined);
  if (spec === 'auto') return resolveTarget(hasNginx ? 'nginx' : fallback, lab, fallback);

  if (spec === 'nginx') {
    if (!hasNginx) throw noReplica('nginx', lab);
    return { name: 'nginx', description: 'through nginx', origins: [lab.endpoints.nginxUrl] };
  }
  if (spec === 'replicas') {
    const replicas = authReplicas(lab);
    if (replicas.length === 0) throw noReplica('auth-1', lab);
    return {
      name: 'replicas',
      description: `client-side round robin over ${replicas.map((r) => r.id).join(', ')} ` +
        '(no nginx in this lab)',
      origins: replicas.map((record) => lab.endpoints.authUrl(record.replica)),
    };
  }
  const auth = /^auth-(\d+)$/.exec(spec);
  if (auth) {
    const replica = Number(auth[1]);
    if (!authReplicas(lab).some((record) => record.replica === replica)) throw noReplica(spec, lab);
    return {
      name: spec, description: `straight to ${spec}`, origins: [lab.endpoints.authUrl(replica)],
    };
  }
  return { name: spec, description: `the URL ${spec}`, origins: [loopbackOrigin(spec)] };
}
