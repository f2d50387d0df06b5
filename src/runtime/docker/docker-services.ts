/**
 * Every service of the docker runtime, in the order `up` starts them: its container spec,
 * what it depends on, and the readiness probe and once-per-up step it shares with the local
 * runtime (they speak to the published ports, which sit where the local runtime's do).
 */
import { CONNECTOR_NAME } from '../../stack/endpoints.js';
import type { ServiceName } from '../lab-state.js';
import type { LocalContext } from '../local/local-context.js';
import { connectorConfig, registerConnector } from '../local/services/connect.js';
import { localService } from '../local/services/index.js';
import { connectorRunning, httpAnswers, httpOk } from '../probes.js';
import { waitUntil } from '../wait-until.js';
import type { ContainerSpec } from './container-spec.js';
import { grafanaSpec, nginxSpec, prometheusSpec } from './specs/observers.js';
import { authSpec, profileSpec } from './specs/lab-services.js';
import { CONTAINER_PORTS, type SpecContext } from './specs/spec-context.js';
import { mongoSpec, postgresSpec, redisSpec } from './specs/stores.js';
import { connectSpec, kafkaSpec } from './specs/streaming.js';

export interface DockerService {
  service: ServiceName;
  replicated: boolean;
  dependsOn: ServiceName[];
  /** Runs the lab-services image (built from this repository) rather than a pulled one. */
  labImage: boolean;
  spec(ctx: SpecContext, replica: number): ContainerSpec;
  /** One readiness attempt against the published port: throws until it really answers. */
  probe(ctx: LocalContext, replica: number): Promise<void>;
  /** Once per `up`, after its replicas are ready (schema, topic, connector). */
  afterReady?(ctx: LocalContext, onStep: (message: string) => void): Promise<void>;
}

/** The local runtime's probe and setup step for a service both runtimes run. */
function sharedWithLocal(service: ServiceName) {
  const local = localService(service);
  return {
    probe: (ctx: LocalContext, replica: number) => local.probe(ctx, replica),
    ...(local.afterReady ? { afterReady: local.afterReady.bind(local) } : {}),
  };
}

/** Connect reaches Postgres by its lab-network name, not the host's published port. */
async function registerDebezium(ctx: LocalContext, onStep: (message: string) => void) {
  onStep(`connect: registering the ${CONNECTOR_NAME} Debezium connector`);
  await registerConnector(ctx,
    connectorConfig(ctx, { host: 'postgres', port: CONTAINER_PORTS.postgres }));
  await waitUntil(() => connectorRunning(ctx.endpoints.connectUrl, CONNECTOR_NAME), {
    what: `Debezium connector ${CONNECTOR_NAME}`,
    timeoutMs: ctx.config.readyTimeoutMs,
    intervalMs: 500,
    hint: 'see `authlab logs connect`',
  });
}

export const DOCKER_SERVICES: readonly DockerService[] = [
  { service: 'postgres', replicated: false, dependsOn: [], labImage: false,
    spec: postgresSpec, ...sharedWithLocal('postgres') },
  { service: 'redis', replicated: false, dependsOn: [], labImage: false,
    spec: redisSpec, ...sharedWithLocal('redis') },
  { service: 'kafka', replicated: false, dependsOn: [], labImage: false,
    spec: kafkaSpec, ...sharedWithLocal('kafka') },
  { service: 'mongo', replicated: false, dependsOn: [], labImage: false,
    spec: mongoSpec, ...sharedWithLocal('mongo') },
  { service: 'connect', replicated: false, dependsOn: ['kafka', 'postgres'], labImage: false,
    spec: connectSpec, probe: sharedWithLocal('connect').probe, afterReady: registerDebezium },
  { service: 'auth', replicated: true, dependsOn: ['postgres', 'redis'], labImage: true,
    spec: authSpec, ...sharedWithLocal('auth') },
  { service: 'profile', replicated: true, dependsOn: ['kafka', 'mongo', 'connect'],
    labImage: true, spec: profileSpec, ...sharedWithLocal('profile') },
  { service: 'nginx', replicated: false, dependsOn: ['auth'], labImage: false,
    spec: (ctx) => nginxSpec(ctx),
    probe: async (ctx) => { await httpOk(`${ctx.endpoints.nginxUrl}/nginx-health`); } },
  // Prometheus lists the planned replicas as targets; it need not wait for them.
  { service: 'prometheus', replicated: false, dependsOn: [], labImage: false,
    spec: (ctx) => prometheusSpec(ctx),
    probe: (ctx) => httpAnswers(`${ctx.endpoints.prometheusUrl}/-/ready`) },
  { service: 'grafana', replicated: false, dependsOn: ['prometheus'], labImage: false,
    spec: (ctx) => grafanaSpec(ctx),
    probe: async (ctx) => { await httpOk(`http://127.0.0.1:${ctx.ports.grafana}/api/health`); } },
];

export function dockerService(name: ServiceName): DockerService {
  const found = DOCKER_SERVICES.find((service) => service.service === name);
  if (!found) throw new Error(`no docker service named ${name}`);
  return found;
}

/** Adds every dependency of the wanted services, transitively. */
export function withDependencies(wanted: readonly ServiceName[]): Set<ServiceName> {
  const result = new Set<ServiceName>();
  const visit = (name: ServiceName) => {
    if (result.has(name)) return;
    result.add(name);
    dockerService(name).dependsOn.forEach(visit);
  };
  wanted.forEach(visit);
  return result;
}

/** Services in waves: each wave depends only on earlier ones and starts in parallel. */
export function startWaves(services: readonly DockerService[]): DockerService[][] {
  const waves: DockerService[][] = [];
  const placed = new Set<ServiceName>();
  let remaining = [...services];
  while (remaining.length > 0) {
    const wave = remaining.filter((s) =>
      s.dependsOn.every((d) => placed.has(d) || !remaining.some((r) => r.service === d)));
    if (wave.length === 0) throw new Error('dependency cycle among docker services');
    wave.forEach((s) => placed.add(s.service));
    waves.push(wave);
    remaining = remaining.filter((s) => !wave.includes(s));
  }
  return waves;
}
