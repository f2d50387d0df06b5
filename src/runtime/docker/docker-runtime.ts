/**
 * The docker runtime: the lab's components as containers on one engine, through dockerode.
 * One network per lab, one container per replica, labels naming lab, service and replica,
 * ports published on 127.0.0.1 at the same numbers as the local runtime's, and readiness
 * through the same probes. The state file records each replica's container id.
 */

import type Docker from 'dockerode';

import type { LabConfig } from '../../config/lab-config.js';
import { LabError } from '../../errors.js';
import { fillConsumerLag } from '../../lab/consumer-lag.js';
import { purgeLabFolder } from '../purge-lab-folder.js';
import {
  readLabState, replicaId, requireReplica, requireRunningState, writeLabState, type LabState, type ReplicaRecord,
  type ServiceName,
} from '../lab-state.js';
import type { LabEvents } from '../lifecycle-events.js';
import { createLocalContext, type LocalContext } from '../local/local-context.js';
import { assertPortsFree, isPortFree } from '../local/ports-free.js';
import type { ReplicaStatus } from '../replica-status.js';
import type {
  DownResult, LabRuntime, ReplicaAction, ScalableService, ScaleResult, UpOptions,
} from '../runtime.js';
import { hostPorts, type CreateContext } from './container-spec.js';
import {
  containerName, labIdFor, labLabels, networkName, volumeName,
} from './docker-names.js';
import {
  DOCKER_SERVICES, dockerService, startWaves, withDependencies, type DockerService,
} from './docker-services.js';
import { dockerStatuses } from './docker-status.js';
import { createEngine, requireEngine } from './engine.js';
import { supplyImages } from './image-supply.js';
import {
  ensureNetwork, ensureVolume, inspectOrNull, logTail, putFiles, removeNetworks, removeVolumes,
  stopAndRemove,
} from './lab-objects.js';
import { removeLabContainers } from './lab-teardown.js';
import { actOnReplica } from './replica-actions.js';
import { startContainer } from './start-container.js';
import { labServiceEnvironment } from './specs/lab-services.js';
import type { SpecContext } from './specs/spec-context.js';

const SERVICE_ORDER = DOCKER_SERVICES.map((s) => s.service);

export class DockerRuntime implements LabRuntime {
  readonly name = 'docker' as const;
  private readonly labId: string;

  constructor(
    private readonly config: LabConfig,
    private readonly events: LabEvents,
    private readonly docker: Docker = createEngine(),
  ) {
    this.labId = labIdFor(config.labDir);
  }

  /** A stopped local lab's state (runtimeFor hands over no running one) is replaced. */
  private loadState(): LabState {
    const existing = readLabState(this.config.labDir);
    if (existing?.runtime === 'docker') return existing;
    return {
      version: 1,
      runtime: 'docker',
      portBase: this.config.portBase,
      labDir: this.config.labDir,
      createdAt: new Date().toISOString(),
      postgresDataDir: volumeName(this.labId, 'postgres'),
      replicas: {},
    };
  }

  private context(state: LabState): LocalContext {
    return createLocalContext({ ...this.config, portBase: state.portBase }, state.postgresDataDir,
      state);
  }

  private createContext(replicaId: string): CreateContext {
    return {
      labLabels: labLabels(this.labId, this.config.labDir),
      containerName: containerName(this.labId, replicaId),
      networkName: networkName(this.labId),
      volumeName: (purpose) => volumeName(this.labId, purpose),
    };
  }

  private recorded(state: LabState, service: ServiceName): number[] {
    return Object.values(state.replicas).filter((r) => r.service === service)
      .map((r) => r.replica).sort((a, b) => a - b);
  }

  /** Images present (pulled or built) for these services; returns what specs need. */
  private async specContext(
    state: LabState, services: readonly DockerService[],
    replicas: { auth: number[]; profile: number[] },
  ): Promise<SpecContext> {
    const supplied = await supplyImages(this.docker, this.config.images, services,
      labLabels(this.labId, this.config.labDir), this.events);
    const ctx = this.context(state);
    return {
      config: this.config, ports: ctx.ports, secrets: ctx.secrets, ...supplied,
      authReplicas: replicas.auth, profileReplicas: replicas.profile,
      labServiceEnv: labServiceEnvironment(ctx),
    };
  }

  private async isRunning(state: LabState, id: string): Promise<boolean> {
    const record = state.replicas[id];
    if (!record?.containerId) return false;
    const info = await inspectOrNull(this.docker, record.containerId);
    return info?.State.Running === true && !info.State.Paused;
  }

  /** Which replicas of which services `up` wants, and which of them do not run yet. */
  private async plan(state: LabState, only: readonly ServiceName[]) {
    const wanted = withDependencies(only);
    const services = DOCKER_SERVICES.filter((s) => wanted.has(s.service));
    const count = (service: DockerService) => !service.replicated ? 1 : Math.max(
      service.service === 'auth' ? this.config.authReplicas : this.config.profileReplicas,
      this.recorded(state, service.service).length);
    const plan = services.map((service) => ({
      service, replicas: Array.from({ length: count(service) }, (_, i) => i + 1),
    }));

    const toStart: Array<{ service: DockerService; replica: number }> = [];
    for (const { service, replicas } of plan) {
      for (const replica of replicas) {
        const id = replicaId(service.service, replica, service.replicated);
        if (!(await this.isRunning(state, id))) toStart.push({ service, replica });
      }
    }
    return { services, plan, toStart };
  }

  /** The network and volumes exist, and no other process holds a port about to be taken. */
  private async prepareEngine(
    starting: DockerService[], toStart: Array<{ service: DockerService; replica: number }>,
    sctx: SpecContext,
  ): Promise<void> {
    const labels = labLabels(this.labId, this.config.labDir);
    await ensureNetwork(this.docker, networkName(this.labId), labels);
    for (const service of starting) {
      for (const volume of service.spec(sctx, 1).volumes) {
        await ensureVolume(this.docker, volumeName(this.labId, volume.purpose), labels);
      }
    }
    await assertPortsFree(toStart.flatMap(({ service, replica }) => {
      const spec = service.spec(sctx, replica);
      return hostPorts(spec).map((port) => ({ port, owner: spec.id }));
    }));
  }

  async up(options: UpOptions = {}): Promise<LabState> {
    await requireEngine(this.docker);
    const state = this.loadState();
    if (state.portBase !== this.config.portBase && Object.keys(state.replicas).length > 0) {
      throw new LabError('BAD_INPUT', `this lab already runs on port base ${state.portBase}; ` +
        'run `authlab down` before changing the port base');
    }
    state.portBase = this.config.portBase;
    writeLabState(state);

    const { services, plan, toStart } = await this.plan(state, options.only ?? SERVICE_ORDER);
    const planned = (name: ServiceName) => plan.find((p) => p.service.service === name)?.replicas
      ?? this.recorded(state, name);

    // Images matter only for what starts: an `up` with everything running pulls or builds
    // nothing.
    const starting = services.filter((s) => toStart.some((t) => t.service === s));
    const sctx = await this.specContext(state, starting,
      { auth: planned('auth'), profile: planned('profile') });
    await this.prepareEngine(starting, toStart, sctx);

    const signal = options.signal ?? new AbortController().signal;
    const startedNow: ReplicaRecord[] = [];
    const ctx = this.context(state);
    try {
      for (const wave of startWaves(services)) {
        await Promise.all(wave.map(async (service) => {
          const replicas = plan.find((p) => p.service === service)?.replicas ?? [];
          await Promise.all(replicas.map((replica) =>
            this.bringUp(service, replica, { state, ctx, sctx, signal, startedNow })));
          if (signal.aborted) throw new LabError('INTERRUPTED', 'interrupted');
          await service.afterReady?.(ctx,
            (message) => this.events.emit({ type: 'step', message }));
        }));
      }
    } catch (error) {
      if (signal.aborted) {
        await this.removeRecords(state, startedNow);
        throw new LabError('INTERRUPTED', 'interrupted: removed the containers this `up` started');
      }
      throw error;
    }
    if (toStart.some((t) => t.service.replicated)) await this.refreshObservers(state, sctx);
    return state;
  }

  private async bringUp(service: DockerService, replica: number, run: {
    state: LabState; ctx: LocalContext; sctx: SpecContext; signal: AbortSignal;
    startedNow: ReplicaRecord[];
  }): Promise<void> {
    const spec = service.spec(run.sctx, replica);
    if (await this.isRunning(run.state, spec.id)) {
      await service.probe(run.ctx, replica);
      this.events.emit({ type: 'ready', replica: spec.id, elapsedMs: 0,
        detail: 'already running' });
      return;
    }
    await startContainer(this.docker, spec, {
      service, ctx: run.ctx, events: this.events, signal: run.signal,
      create: this.createContext(spec.id),
      onCreated: (record) => {
        run.startedNow.push(record);
        run.state.replicas[record.id] = record;
        writeLabState(run.state);
      },
    });
  }

  /** Removes replicas' containers, newest service first, and forgets them. */
  private async removeRecords(state: LabState, records: ReplicaRecord[]): Promise<void> {
    const order = [...SERVICE_ORDER].reverse();
    const sorted = [...records].sort((a, b) =>
      order.indexOf(a.service) - order.indexOf(b.service) || b.replica - a.replica);
    for (const record of sorted) {
      this.events.emit({ type: 'stopping', replica: record.id });
      const startedMs = Date.now();
      if (record.containerId) {
        await stopAndRemove(this.docker, record.containerId, this.stopTimeoutS());
      }
      delete state.replicas[record.id];
      writeLabState(state);
      this.events.emit({ type: 'stopped', replica: record.id, elapsedMs: Date.now() - startedMs });
    }
  }

  private stopTimeoutS(): number {
    return Math.max(1, Math.ceil(this.config.stopTimeoutMs / 1000));
  }

  /**
   * Every container, then the network, labelled with this lab: also what a lost state file
   * no longer lists. The volumes stay unless purging; the state file stays (empty) so later
   * commands still know this lab folder belongs to the docker runtime.
   */
  async down(options: { purge: boolean }): Promise<DownResult> {
    await requireEngine(this.docker);
    const state = readLabState(this.config.labDir);
    const ports = state ? Object.values(state.replicas).map((r) => r.port) : [];
    const stopped = await removeLabContainers(this.docker, this.labId, this.events,
      this.stopTimeoutS());
    await removeNetworks(this.docker, this.labId);
    if (state) {
      state.replicas = {};
      writeLabState(state);
    }

    const busyPorts: number[] = [];
    for (const port of ports) if (!(await isPortFree(port))) busyPorts.push(port);
    if (options.purge) {
      await removeVolumes(this.docker, this.labId);
      purgeLabFolder(this.config.labDir);
    }
    return { stopped, busyPorts };
  }

  async scale(serviceName: ScalableService, count: number, signal?: AbortSignal):
    Promise<ScaleResult> {
    await requireEngine(this.docker);
    const state = this.requireState();
    const service = dockerService(serviceName);
    const current = Object.values(state.replicas).filter((r) => r.service === serviceName);
    const wantedReplicas = Array.from({ length: count }, (_, i) => i + 1);
    const missing: number[] = [];
    for (const replica of wantedReplicas) {
      if (!(await this.isRunning(state, `${serviceName}-${replica}`))) missing.push(replica);
    }

    // Images matter only when something starts: scaling down builds and pulls nothing.
    const replicas = {
      auth: this.recorded(state, 'auth'), profile: this.recorded(state, 'profile'),
    };
    replicas[serviceName] = wantedReplicas;
    const sctx = await this.specContext(state, missing.length > 0 ? [service] : [], replicas);
    await assertPortsFree(missing.filter((r) => !state.replicas[`${serviceName}-${r}`])
      .flatMap((r) => hostPorts(service.spec(sctx, r)).map((port) =>
        ({ port, owner: `${serviceName}-${r}` }))));

    const ctx = this.context(state);
    const started: string[] = [];
    const run = { state, ctx, sctx, signal: signal ?? new AbortController().signal,
      startedNow: [] as ReplicaRecord[] };
    await Promise.all(missing.map(async (replica) => {
      await this.bringUp(service, replica, run);
      started.push(`${serviceName}-${replica}`);
    }));

    const surplus = current.filter((r) => r.replica > count);
    await this.removeRecords(state, surplus);
    await this.refreshObservers(state, sctx);
    return { started: started.sort(), stopped: surplus.map((r) => r.id) };
  }

  /** nginx and Prometheus list the replicas: rewrite their config and reload (SIGHUP). */
  private async refreshObservers(state: LabState, sctx: SpecContext): Promise<void> {
    for (const name of ['nginx', 'prometheus'] as const) {
      const record = state.replicas[name];
      if (!record?.containerId || !(await this.isRunning(state, name))) continue;
      const container = this.docker.getContainer(record.containerId);
      await putFiles(container, dockerService(name).spec(sctx, 1).files);
      await container.kill({ signal: 'SIGHUP' });
      this.events.emit({ type: 'step', message: `${name}: reloaded with the new replica list` });
    }
  }

  requireState(): LabState {
    return requireRunningState(this.config.labDir);
  }

  async status(): Promise<ReplicaStatus[]> {
    const state = this.requireState();
    await requireEngine(this.docker);
    const ctx = this.context(state);
    const rows = (await dockerStatuses(this.docker, ctx, state)).sort((a, b) =>
      SERVICE_ORDER.indexOf(a.service as ServiceName) -
      SERVICE_ORDER.indexOf(b.service as ServiceName) || a.replica - b.replica);
    return fillConsumerLag(rows, ctx.endpoints.kafkaBrokers);
  }

  async logs(id: string, lines: number): Promise<string> {
    const record = requireReplica(this.requireState(), id);
    await requireEngine(this.docker);
    if (!record.containerId) return '';
    return logTail(this.docker, record.containerId, lines);
  }

  /** Fault injection on one replica's container (see replica-actions.ts). */
  async act(id: string, action: ReplicaAction): Promise<void> {
    const state = this.requireState();
    const record = requireReplica(state, id);
    await requireEngine(this.docker);
    await actOnReplica(record, action, {
      docker: this.docker, ctx: this.context(state), events: this.events,
      stopTimeoutS: this.stopTimeoutS(), onChange: () => writeLabState(state),
    });
  }
}
