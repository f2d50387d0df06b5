/**
 * The local runtime: the lab's components as native processes supervised through pid files.
 * `up` is idempotent (what runs and answers is left alone), `down` stops everything it
 * started, and the state file is rewritten after every change so an interrupted command
 * never loses track of a process.
 */
import { rmSync } from 'node:fs';
import { basename, dirname } from 'node:path';

import type { LabConfig } from '../../config/lab-config.js';
import { LabError } from '../../errors.js';
import type { LabEvents } from '../lifecycle-events.js';
import type { ReplicaStatus } from '../replica-status.js';
import type {
  DownResult, LabRuntime, ReplicaAction, ScalableService, ScaleResult, UpOptions,
} from '../runtime.js';
import { fillConsumerLag } from '../../lab/consumer-lag.js';
import { CONNECTOR_NAME } from '../../stack/endpoints.js';
import { DEFAULT_TUNING, loadTuning, TUNING_UNKNOWN } from '../../stack/tuning.js';
import { connectorRunning } from '../probes.js';
import { waitUntil } from '../wait-until.js';
import { registerConnector } from './services/connect.js';
import { replicaStatuses } from './local-replica-status.js';
import {
  readLabState, replicaId, requireReplica, requireRunningState, writeLabState, type LabState,
  type ReplicaRecord, type ServiceName,
} from '../lab-state.js';
import { createLocalContext, type LocalContext, type LocalService } from './local-context.js';
import { PORT_SPAN } from '../../stack/ports.js';
import { isLabFolder, purgeLabFolder } from '../purge-lab-folder.js';
import { assertPortsFree, ephemeralOverlap, isPortFree } from './ports-free.js';
import {
  isOurProcessAlive, signalProcess, stopProcess, tailOfFile,
} from './process-supervisor.js';
import { reloadNginx, refreshScrapeTargets } from './routing.js';
import { choosePostgresDataDir } from './services/postgres.js';
import { LOCAL_SERVICES, localService } from './services/index.js';
import { startReplica } from './start-replica.js';

/** Adds every dependency of the wanted services, transitively. */
function withDependencies(wanted: ServiceName[]): Set<ServiceName> {
  const result = new Set<ServiceName>();
  const visit = (name: ServiceName) => {
    if (result.has(name)) return;
    result.add(name);
    localService(name).dependsOn.forEach(visit);
  };
  wanted.forEach(visit);
  return result;
}

/** Services grouped in waves: each wave depends only on earlier ones and starts in parallel. */
function startWaves(services: LocalService[]): LocalService[][] {
  const waves: LocalService[][] = [];
  const placed = new Set<ServiceName>();
  let remaining = [...services];
  while (remaining.length > 0) {
    const wave = remaining.filter((s) =>
      s.dependsOn.every((d) => placed.has(d) || !remaining.some((r) => r.service === d)));
    if (wave.length === 0) throw new Error('dependency cycle among services');
    wave.forEach((s) => placed.add(s.service));
    waves.push(wave);
    remaining = remaining.filter((s) => !wave.includes(s));
  }
  return waves;
}

export class LocalRuntime implements LabRuntime {
  readonly name = 'local' as const;

  constructor(
    private readonly config: LabConfig,
    private readonly events: LabEvents,
  ) {}

  private loadState(): LabState {
    const existing = readLabState(this.config.labDir);
    if (existing) return existing;
    const context = createLocalContext(this.config);
    return {
      version: 1,
      runtime: 'local',
      portBase: this.config.portBase,
      labDir: this.config.labDir,
      createdAt: new Date().toISOString(),
      postgresDataDir: choosePostgresDataDir(context.dirs.data, basename(this.config.labDir)),
      replicas: {},
    };
  }

  private context(state: LabState): LocalContext {
    const bcryptCost = state.bcryptCost ?? this.config.bcryptCost;
    return createLocalContext(
      { ...this.config, portBase: state.portBase, bcryptCost }, state.postgresDataDir, state);
  }

  private replicaCount(service: LocalService, state: LabState): number {
    if (!service.replicated) return 1;
    const recorded = Object.values(state.replicas).filter((r) => r.service === service.service);
    const configured = service.service === 'auth'
      ? this.config.authReplicas : this.config.profileReplicas;
    return Math.max(configured, recorded.length);
  }

  async up(options: UpOptions = {}): Promise<LabState> {
    const state = this.loadState();
    if (state.portBase !== this.config.portBase && Object.keys(state.replicas).length > 0) {
      throw new LabError('BAD_INPUT', `this lab already runs on port base ${state.portBase}; ` +
        'run `authlab down` before changing the port base');
    }
    state.portBase = this.config.portBase;
    state.bcryptCost ??= this.config.bcryptCost;
    if (state.bcryptCost !== this.config.bcryptCost) {
      this.events.emit({ type: 'step', message: `warning: this lab hashes at bcrypt cost ` +
        `${state.bcryptCost}, not ${this.config.bcryptCost}; every replica keeps the lab's cost ` +
        '(run `authlab down --purge` to start over with another)' });
    }
    writeLabState(state);
    const overlap = ephemeralOverlap(state.portBase, state.portBase + PORT_SPAN);
    if (overlap) this.events.emit({ type: 'step', message: `warning: ${overlap}` });

    const ctx = this.context(state);
    const wanted = withDependencies(options.only ?? LOCAL_SERVICES.map((s) => s.service));
    const services = LOCAL_SERVICES.filter((s) => wanted.has(s.service));
    const signal = options.signal ?? new AbortController().signal;

    const plan = services.map((service) => ({
      service,
      replicas: Array.from({ length: this.replicaCount(service, state) }, (_, i) => i + 1),
    }));
    const toStart = plan.flatMap(({ service, replicas }) =>
      replicas.filter((replica) => !this.isRunning(state, service, replica))
        .map((replica) => ({ service, replica })));

    await assertPortsFree(toStart.flatMap(({ service, replica }) =>
      service.ports(ctx, replica).map((port) => ({
        port, owner: replicaId(service.service, replica, service.replicated),
      }))));

    const nginxWasRunning = this.isRunning(state, localService('nginx'), 1);
    const startedNow: ReplicaRecord[] = [];
    try {
      for (const wave of startWaves(services)) {
        await Promise.all(wave.map((service) =>
          this.bringUp(service, plan, state, ctx, signal, startedNow)));
      }
      if (nginxWasRunning && startedNow.some((r) => r.service === 'auth')) {
        await reloadNginx(ctx, state);
      }
      refreshScrapeTargets(ctx, state);
    } catch (error) {
      if (signal.aborted) {
        await this.stopRecords(state, startedNow);
        throw new LabError('INTERRUPTED', 'interrupted: stopped what this `up` had started');
      }
      throw error;
    }
    return state;
  }

  private isRunning(state: LabState, service: LocalService, replica: number): boolean {
    const record = state.replicas[replicaId(service.service, replica, service.replicated)];
    return record !== undefined && isOurProcessAlive(record.pid, record.pidStartTicks);
  }

  private async bringUp(
    service: LocalService,
    plan: Array<{ service: LocalService; replicas: number[] }>,
    state: LabState,
    ctx: LocalContext,
    signal: AbortSignal,
    startedNow: ReplicaRecord[],
  ): Promise<void> {
    const replicas = plan.find((p) => p.service === service)?.replicas ?? [];
    await Promise.all(replicas.map(async (replica) => {
      if (this.isRunning(state, service, replica)) {
        const id = replicaId(service.service, replica, service.replicated);
        await service.probe(ctx, replica);
        this.events.emit({ type: 'ready', replica: id, elapsedMs: 0, detail: 'already running' });
        return;
      }
      await startReplica(service, replica, {
        ctx, events: this.events, signal,
        onLaunched: (record) => {
          startedNow.push(record);
          state.replicas[record.id] = record;
          writeLabState(state);
        },
      });
    }));
    if (signal.aborted) throw new LabError('INTERRUPTED', 'interrupted');
    await service.afterReady?.(ctx, (message) => this.events.emit({ type: 'step', message }));
  }

  /** Stops replicas, newest service first, and forgets them in the state file. */
  private async stopRecords(state: LabState, records: ReplicaRecord[]): Promise<void> {
    const order = [...LOCAL_SERVICES].reverse().map((s) => s.service);
    const sorted = [...records].sort((a, b) =>
      order.indexOf(a.service) - order.indexOf(b.service) || b.replica - a.replica);
    for (const record of sorted) {
      this.events.emit({ type: 'stopping', replica: record.id });
      const startedMs = Date.now();
      if (record.held === 'paused') signalProcess(record.pid, record.pidStartTicks, 'SIGCONT');
      await stopProcess(record.pid, record.pidStartTicks, {
        signal: localService(record.service).stopSignal,
        timeoutMs: this.config.stopTimeoutMs,
      });
      delete state.replicas[record.id];
      writeLabState(state);
      this.events.emit({ type: 'stopped', replica: record.id, elapsedMs: Date.now() - startedMs });
    }
  }

  async down(options: { purge: boolean }): Promise<DownResult> {
    const state = readLabState(this.config.labDir);
    if (!state) {
      if (options.purge) this.purge(null);
      return { stopped: 0, busyPorts: [] };
    }
    // Checked before anything stops: a wrong --lab-dir must fail before it does harm.
    if (options.purge && !isLabFolder(this.config.labDir)) purgeLabFolder(this.config.labDir);

    const records = Object.values(state.replicas);
    await this.stopRecords(state, records);

    const ctx = this.context(state);
    const ports = LOCAL_SERVICES.flatMap((s) => records
      .filter((r) => r.service === s.service)
      .flatMap((r) => s.ports(ctx, r.replica)));
    const busyPorts: number[] = [];
    for (const port of ports) if (!(await isPortFree(port))) busyPorts.push(port);

    if (options.purge) this.purge(state);
    return { stopped: records.length, busyPorts };
  }

  private purge(state: LabState | null): void {
    if (state && !state.postgresDataDir.startsWith(this.config.labDir)) {
      // The root-only data folder under /var/lib/authlab/<lab>: remove it and its lab folder.
      rmSync(dirname(state.postgresDataDir), { recursive: true, force: true });
    }
    purgeLabFolder(this.config.labDir);
  }

  /**
   * Changes a replicated service's replica count. New replicas pass readiness before Nginx
   * routes to them; removed ones leave Nginx first, then drain and stop.
   */
  async scale(
    serviceName: ScalableService, count: number, signal?: AbortSignal,
  ): Promise<ScaleResult> {
    const state = this.requireState();
    const ctx = this.context(state);
    const service = localService(serviceName);
    const current = Object.values(state.replicas).filter((r) => r.service === serviceName);
    const started: string[] = [];

    const missing = Array.from({ length: count }, (_, i) => i + 1)
      .filter((replica) => !this.isRunning(state, service, replica));
    await assertPortsFree(missing.filter((replica) => !state.replicas[`${serviceName}-${replica}`])
      .map((replica) => ({
        port: ctx.ports[serviceName](replica), owner: `${serviceName}-${replica}`,
      })));
    await Promise.all(missing.map(async (replica) => {
      const record = await startReplica(service, replica, {
        ctx, events: this.events, signal: signal ?? new AbortController().signal,
        onLaunched: (launched) => {
          state.replicas[launched.id] = launched;
          writeLabState(state);
        },
      });
      started.push(record.id);
    }));

    // Taken out of routing and scraping first (held replicas are not active), then stopped.
    const surplus = current.filter((r) => r.replica > count);
    surplus.forEach((record) => { record.held = 'stopped'; });
    if (serviceName === 'auth' && (started.length > 0 || surplus.length > 0)) {
      this.events.emit({ type: 'step', message: 'nginx: reloading the auth upstream list' });
      await reloadNginx(ctx, state);
    }
    refreshScrapeTargets(ctx, state);
    await this.stopRecords(state, surplus);
    return { started: started.sort(), stopped: surplus.map((r) => r.id) };
  }

  requireState(): LabState {
    return requireRunningState(this.config.labDir);
  }

  async status(): Promise<ReplicaStatus[]> {
    const state = this.requireState();
    const ctx = this.context(state);
    return fillConsumerLag(await replicaStatuses(ctx, state), ctx.endpoints.kafkaBrokers);
  }

  async logs(id: string, lines: number): Promise<string> {
    return tailOfFile(requireReplica(this.requireState(), id).logFile, lines);
  }

  /**
   * Fault injection on one replica. A stopped or killed replica stays in the state, held,
   * so `start` (or the next `up`) brings it back on the same port.
   */
  async act(id: string, action: ReplicaAction): Promise<void> {
    const state = this.requireState();
    const record = requireReplica(state, id);
    const service = localService(record.service);
    switch (action) {
      case 'stop':
        if (record.held === 'paused') signalProcess(record.pid, record.pidStartTicks, 'SIGCONT');
        await stopProcess(record.pid, record.pidStartTicks,
          { signal: service.stopSignal, timeoutMs: this.config.stopTimeoutMs });
        record.held = 'stopped';
        break;
      case 'kill':
        signalProcess(record.pid, record.pidStartTicks, 'SIGKILL');
        await stopProcess(record.pid, record.pidStartTicks, { signal: 'SIGKILL', timeoutMs: 5000 });
        record.held = 'stopped';
        break;
      case 'pause':
        signalProcess(record.pid, record.pidStartTicks, 'SIGSTOP');
        record.held = 'paused';
        break;
      case 'resume':
        signalProcess(record.pid, record.pidStartTicks, 'SIGCONT');
        delete record.held;
        break;
      case 'start': {
        if (isOurProcessAlive(record.pid, record.pidStartTicks)) return;
        const ctx = this.context(state);
        await startReplica(service, record.replica, {
          ctx, events: this.events, signal: new AbortController().signal,
          onLaunched: (launched) => {
            state.replicas[launched.id] = launched;
            writeLabState(state);
          },
        });
        return;
      }
    }
    writeLabState(state);
  }

  async applyTuning(name: string): Promise<boolean> {
    const state = this.requireState();
    if ((state.tuning ?? DEFAULT_TUNING) === name) return false;
    loadTuning(name);
    state.tuning = name;
    writeLabState(state);
    try {
      await this.switchTuning(state, name);
    } catch (error) {
      // Half switched: record that no profile is known to be in force, so that the next
      // experiment switches again whatever profile it asks for. Re-read first: the replicas
      // restarted so far are recorded on disk, not in this copy.
      const latest = readLabState(this.config.labDir) ?? state;
      latest.tuning = TUNING_UNKNOWN;
      writeLabState(latest);
      throw error;
    }
    return true;
  }

  /** Re-registers the connector and restarts the profile replicas with the state's tuning. */
  private async switchTuning(state: LabState, name: string): Promise<void> {
    const ctx = this.context(state);
    this.events.emit({ type: 'step', message: `tuning: switching the lab to "${name}"` });
    if (this.isRunning(state, localService('connect'), 1)) {
      await registerConnector(ctx);
      await waitUntil(() => connectorRunning(ctx.endpoints.connectUrl, CONNECTOR_NAME), {
        what: `Debezium connector ${CONNECTOR_NAME} after retuning`,
        timeoutMs: this.config.readyTimeoutMs,
        intervalMs: 250,
      });
    }
    for (const replica of ctx.activeReplicas('profile')) {
      await this.act(`profile-${replica}`, 'stop');
      await this.act(`profile-${replica}`, 'start');
    }
  }
}
