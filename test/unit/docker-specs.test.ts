/**
 * The docker runtime's container specs, checked against what each official image documents
 * (environment, command, data path, port, health check), and the pure pieces around them:
 * image pinning and overrides, create-container bodies, tar archives, log frames, stats.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, test } from 'node:test';
import { parse as parseYaml } from 'yaml';

import { loadConfig } from '../../src/config/lab-config.js';
import { runtimeNameFor } from '../../src/lab/running-lab.js';
import type { LabState } from '../../src/runtime/lab-state.js';
import { createLocalContext } from '../../src/runtime/local/local-context.js';
import { stacksDir } from '../../src/paths.js';
import { createOptions, type ContainerSpec } from '../../src/runtime/docker/container-spec.js';
import { labIdFor, LABELS } from '../../src/runtime/docker/docker-names.js';
import {
  DOCKER_SERVICES, startWaves, withDependencies,
} from '../../src/runtime/docker/docker-services.js';
import { usageFromStats } from '../../src/runtime/docker/docker-status.js';
import { chooseImages, IMAGE_NAMES, readPinnedImages } from '../../src/runtime/docker/images.js';
import { demuxLogFrames } from '../../src/runtime/docker/log-frames.js';
import { tarBuffer } from '../../src/runtime/docker/tar-archive.js';
import {
  authSpec, labServiceEnvironment, profileSpec,
} from '../../src/runtime/docker/specs/lab-services.js';
import {
  grafanaFiles, grafanaSpec, nginxConf, nginxSpec, prometheusConfig, prometheusSpec,
} from '../../src/runtime/docker/specs/observers.js';
import type { SpecContext } from '../../src/runtime/docker/specs/spec-context.js';
import { mongoSpec, postgresSpec, redisSpec } from '../../src/runtime/docker/specs/stores.js';
import { connectSpec, kafkaSpec } from '../../src/runtime/docker/specs/streaming.js';

const root = mkdtempSync(join(tmpdir(), 'authlab-docker-specs-'));
after(() => rmSync(root, { recursive: true, force: true }));

const config = loadConfig({
  cwd: root, env: { AUTHLAB_LAB_DIR: join(root, 'lab'), AUTHLAB_PORT_BASE: '30000' },
});
const local = createLocalContext(config);
const ctx: SpecContext = {
  config,
  ports: local.ports,
  secrets: local.secrets,
  images: chooseImages({}).images,
  labServicesImage: 'authlab-lab-services:test',
  authReplicas: [1, 2],
  profileReplicas: [1],
  labServiceEnv: labServiceEnvironment(local),
};

const createContext = {
  labLabels: { [LABELS.lab]: 'authlab-test' },
  containerName: 'authlab-test-x',
  networkName: 'authlab-test-net',
  volumeName: (purpose: string) => `authlab-test-${purpose}`,
};

function allSpecs(): ContainerSpec[] {
  return [postgresSpec(ctx), redisSpec(ctx), kafkaSpec(ctx), connectSpec(ctx), mongoSpec(ctx),
    authSpec(ctx, 1), profileSpec(ctx, 1), nginxSpec(ctx), prometheusSpec(ctx), grafanaSpec(ctx)];
}

describe('official images: the documented settings', () => {
  test('postgres: POSTGRES_* initialise the data folder, `postgres -c` sets wal_level', () => {
    const spec = postgresSpec(ctx);
    assert.equal(spec.image, 'postgres:17');
    assert.deepEqual(
      [spec.env.POSTGRES_USER, spec.env.POSTGRES_PASSWORD, spec.env.POSTGRES_DB],
      ['authlab', local.secrets.pgPassword, 'authlab']);
    assert.equal(spec.cmd?.[0], 'postgres');
    assert.ok(spec.cmd?.join(' ').includes('-c wal_level=logical'));
    assert.deepEqual(spec.volumes, [{ purpose: 'postgres', target: '/var/lib/postgresql/data' }]);
    assert.deepEqual(spec.ports, [{ container: 5432, host: 30000 }]);
    assert.deepEqual(spec.healthcheck?.test,
      ['CMD', 'pg_isready', '-U', 'authlab', '-d', 'authlab']);
    assert.equal(spec.stopSignal, 'SIGINT');
  });

  test('redis: a redis.conf with the password, read from /usr/local/etc/redis', () => {
    const spec = redisSpec(ctx);
    assert.deepEqual(spec.cmd, ['redis-server', '/usr/local/etc/redis/redis.conf']);
    const conf = spec.files
      .find((f) => f.path === '/usr/local/etc/redis/redis.conf')?.content ?? '';
    assert.match(conf, new RegExp(`^requirepass ${local.secrets.redisPassword}$`, 'm'));
    assert.match(conf, /^bind 0\.0\.0\.0$/m);
    assert.match(conf, /^appendonly yes$/m);
    assert.match(conf, /^dir \/data$/m);
    assert.equal(spec.env.REDISCLI_AUTH, local.secrets.redisPassword);
    assert.ok(!spec.cmd?.join(' ').includes(local.secrets.redisPassword), 'no password in argv');
    assert.deepEqual(spec.ports, [{ container: 6379, host: 30001 }]);
    assert.deepEqual(spec.healthcheck?.test, ['CMD', 'redis-cli', 'ping']);
  });

  test('apache/kafka: KRaft from KAFKA_* variables, two listeners, CLUSTER_ID', () => {
    const spec = kafkaSpec(ctx);
    assert.equal(spec.image, 'apache/kafka:4.1.1');
    assert.equal(spec.env.CLUSTER_ID, local.secrets.kafkaClusterId);
    assert.equal(spec.env.KAFKA_PROCESS_ROLES, 'broker,controller');
    assert.equal(spec.env.KAFKA_CONTROLLER_QUORUM_VOTERS, '1@localhost:9093');
    assert.equal(spec.env.KAFKA_ADVERTISED_LISTENERS,
      'INTERNAL://kafka:19092,EXTERNAL://127.0.0.1:30002');
    assert.equal(spec.env.KAFKA_LISTENERS,
      'INTERNAL://:19092,EXTERNAL://:9092,CONTROLLER://:9093');
    assert.equal(spec.env.KAFKA_NUM_PARTITIONS, String(config.topicPartitions));
    assert.equal(spec.env.KAFKA_LOG_DIRS, '/var/lib/kafka/data');
    // The image maps KAFKA_A_B to a.b: names must be upper case, no single letters or dashes.
    for (const name of Object.keys(spec.env).filter((n) => n.startsWith('KAFKA_'))) {
      assert.match(name, /^KAFKA_[A-Z0-9]+(_[A-Z0-9]+)*$/, name);
    }
    assert.deepEqual(spec.ports, [{ container: 9092, host: 30002 }]);
    assert.deepEqual(spec.volumes, [{ purpose: 'kafka', target: '/var/lib/kafka/data' }]);
  });

  test('debezium/connect: the required variables, the broker by its network name', () => {
    const spec = connectSpec(ctx);
    assert.equal(spec.image, 'quay.io/debezium/connect:3.6.1.Final');
    for (const required of ['GROUP_ID', 'CONFIG_STORAGE_TOPIC', 'OFFSET_STORAGE_TOPIC',
      'STATUS_STORAGE_TOPIC', 'BOOTSTRAP_SERVERS']) {
      assert.ok(spec.env[required], required);
    }
    assert.equal(spec.env.BOOTSTRAP_SERVERS, 'kafka:19092');
    assert.equal(spec.env.CONNECT_VALUE_CONVERTER_SCHEMAS_ENABLE, 'false');
    assert.equal(spec.env.REST_HOST_NAME, '0.0.0.0');
    assert.match(spec.env.HEAP_OPTS ?? '', /-Xmx512m/);
    assert.deepEqual(spec.ports, [{ container: 8083, host: 30004 }]);
  });

  test('mongo: mongod on every interface of its container, data in /data/db', () => {
    const spec = mongoSpec(ctx);
    assert.equal(spec.image, 'mongo:8.0');
    assert.deepEqual(spec.cmd?.slice(0, 2), ['mongod', '--bind_ip_all']);
    assert.deepEqual(spec.volumes, [{ purpose: 'mongo', target: '/data/db' }]);
    assert.deepEqual(spec.ports, [{ container: 27017, host: 30005 }]);
    assert.equal(spec.healthcheck?.test[1], 'mongosh');
  });

  test('nginx: the whole nginx.conf, one upstream server per auth replica', () => {
    const conf = nginxConf(ctx);
    assert.match(conf, /listen 127\.0\.0\.1:30006;/);
    assert.match(conf, /server 127\.0\.0\.1:30020 /);
    assert.match(conf, /server 127\.0\.0\.1:30021 /);
    assert.doesNotMatch(conf, /\{\{/);
    assert.equal(nginxSpec(ctx).files[0]?.path, '/etc/nginx/nginx.conf');
    assert.equal(nginxSpec(ctx).stopSignal, 'SIGQUIT');
  });

  test('prometheus: flags for the entry point, every replica a target', () => {
    const spec = prometheusSpec(ctx);
    assert.ok(spec.cmd?.includes('--config.file=/etc/prometheus/prometheus.yml'));
    assert.ok(spec.cmd?.includes('--web.listen-address=127.0.0.1:30007'));
    const parsed = parseYaml(prometheusConfig(ctx)) as {
      scrape_configs: Array<{ job_name: string; static_configs: Array<{ targets: string[] }> }>;
    };
    const targets = Object.fromEntries(parsed.scrape_configs.map((job) =>
      [job.job_name, job.static_configs[0]?.targets]));
    assert.deepEqual(targets.auth, ['127.0.0.1:30020', '127.0.0.1:30021']);
    assert.deepEqual(targets.profile, ['127.0.0.1:30060']);
  });

  test('grafana: GF_* settings, on 127.0.0.1, anonymous viewers', () => {
    const spec = grafanaSpec(ctx);
    assert.equal(spec.env.GF_SERVER_HTTP_ADDR, '127.0.0.1');
    assert.equal(spec.env.GF_SERVER_HTTP_PORT, '30008');
    assert.equal(spec.env.GF_AUTH_ANONYMOUS_ORG_ROLE, 'Viewer');
    assert.equal(spec.env.AUTHLAB_PROMETHEUS_URL, 'http://127.0.0.1:30007');
    assert.ok((spec.env.GF_SECURITY_ADMIN_PASSWORD ?? '').length >= 16);
    assert.notEqual(spec.env.GF_SECURITY_ADMIN_PASSWORD, 'admin');
  });
});

describe('Grafana provisioning from stacks/grafana', () => {
  test('the data source and the dashboard agree on the Prometheus uid', () => {
    const files = grafanaFiles();
    const source = files.find((f) => f.path.includes('/provisioning/datasources/'));
    const provider = files.find((f) => f.path.includes('/provisioning/dashboards/'));
    const dashboard = files.find((f) => f.path.endsWith('.json'));
    assert.ok(source && provider && dashboard);

    const datasource = (parseYaml(source.content) as { datasources: Array<Record<string, string>> })
      .datasources[0];
    assert.equal(datasource?.url, '${AUTHLAB_PROMETHEUS_URL}');
    const providerPath = (parseYaml(provider.content) as {
      providers: Array<{ options: { path: string } }> }).providers[0]?.options.path;
    assert.ok(dashboard.path.startsWith(`${providerPath}/`));

    const board = JSON.parse(dashboard.content) as {
      panels: Array<{
        title: string; datasource: { uid: string }; targets: Array<{ expr: string }>;
      }>;
    };
    for (const panel of board.panels) assert.equal(panel.datasource.uid, datasource?.uid);
    const exprs = board.panels.flatMap((p) => p.targets.map((t) => t.expr)).join('\n');
    assert.match(exprs, /authlab_http_request_duration_seconds_count/);
    assert.match(exprs, /histogram_quantile\(0\.99, sum by \(replica, le\)/);
    assert.match(exprs, /authlab_profile_consumer_lag_events/);
    assert.match(exprs, /authlab_profile_lag_seconds_bucket/);
  });
});

describe('the lab services and the network', () => {
  test('auth and profile get the local runtime\'s AUTHLAB_* environment', () => {
    const auth = authSpec(ctx, 2);
    assert.deepEqual(auth.cmd, ['dist/src/services/auth/main.js']);
    assert.equal(auth.env.AUTHLAB_REPLICA, 'auth-2');
    assert.equal(auth.env.AUTHLAB_HTTP_PORT, '30021');
    assert.equal(auth.env.AUTHLAB_PG_URL, local.endpoints.postgresUrl);
    assert.equal(auth.env.AUTHLAB_JWT_SECRET, local.secrets.jwtSecret);
    assert.equal(auth.env.PATH, undefined, 'the host PATH stays out of the container');
    const profile = profileSpec(ctx, 1);
    assert.equal(profile.env.AUTHLAB_KAFKA_BROKERS, '127.0.0.1:30002');
    assert.equal(profile.env.AUTHLAB_MONGO_URL, local.endpoints.mongoUrl);
  });

  test('stores and pipeline publish on 127.0.0.1 only; the rest bind it on the host', () => {
    for (const spec of allSpecs()) {
      const body = createOptions(spec, createContext);
      const bindings = Object.values(body.HostConfig?.PortBindings ?? {}).flat() as
        Array<{ HostIp: string; HostPort: string }>;
      if (spec.network === 'lab') {
        assert.equal(body.HostConfig?.NetworkMode, 'authlab-test-net', spec.id);
        assert.ok(bindings.length > 0, spec.id);
        for (const binding of bindings) assert.equal(binding.HostIp, '127.0.0.1', spec.id);
        assert.deepEqual(body.NetworkingConfig?.EndpointsConfig?.['authlab-test-net']?.Aliases,
          [spec.service], spec.id);
      } else {
        assert.equal(body.HostConfig?.NetworkMode, 'host', spec.id);
        assert.equal(bindings.length, 0, spec.id);
        assert.equal(spec.boundPorts.length, 1, spec.id);
      }
    }
  });

  test('every container is labelled with lab, service and replica, and never restarts', () => {
    const body = createOptions(authSpec(ctx, 3), createContext);
    assert.deepEqual(body.Labels, {
      [LABELS.lab]: 'authlab-test', [LABELS.service]: 'auth', [LABELS.replica]: '3',
    });
    assert.deepEqual(body.HostConfig?.RestartPolicy, { Name: 'no' });
    const pg = createOptions(postgresSpec(ctx), createContext);
    assert.deepEqual(pg.HostConfig?.Mounts,
      [{ Type: 'volume', Source: 'authlab-test-postgres', Target: '/var/lib/postgresql/data' }]);
    assert.equal(pg.Healthcheck?.Interval, 10_000_000_000);
  });

  test('`--only auth` starts postgres and redis first, then auth', () => {
    const wanted = withDependencies(['auth']);
    assert.deepEqual([...wanted].sort(), ['auth', 'postgres', 'redis']);
    const waves = startWaves(DOCKER_SERVICES.filter((s) => wanted.has(s.service)))
      .map((wave) => wave.map((s) => s.service));
    assert.deepEqual(waves, [['postgres', 'redis'], ['auth']]);
  });
});

describe('images: pinned in stacks/docker/images.yaml, overridable', () => {
  test('every image is pinned to a version, none to latest', () => {
    const pinned = readPinnedImages();
    for (const name of IMAGE_NAMES) {
      assert.match(pinned[name], /:[\w][\w.-]*$/, name);
      assert.doesNotMatch(pinned[name], /:latest$/, name);
    }
  });

  test('an override replaces one image; an unknown name is bad input', () => {
    const choice = chooseImages({ postgres: 'postgres:17.6', 'lab-services': 'mine:1' });
    assert.equal(choice.images.postgres, 'postgres:17.6');
    assert.equal(choice.images.redis, readPinnedImages().redis);
    assert.equal(choice.labServices, 'mine:1');
    assert.throws(() => chooseImages({ postgre: 'x:1' }), { code: 'BAD_INPUT' });
  });

  test('overrides come from the config file, then the file AUTHLAB_IMAGES names', () => {
    const dir = mkdtempSync(join(root, 'cfg-'));
    writeFileSync(join(dir, 'authlab.yaml'), 'images:\n  postgres: a:1\n  redis: b:1\n');
    writeFileSync(join(dir, 'images.yaml'), 'redis: c:2\n');
    const loaded = loadConfig({ cwd: dir, env: { AUTHLAB_IMAGES: 'images.yaml' } });
    assert.deepEqual({ ...loaded.images }, { postgres: 'a:1', redis: 'c:2' });
    writeFileSync(join(dir, 'bad.yaml'), 'redis: [1, 2]\n');
    assert.throws(() => loadConfig({ cwd: dir, env: { AUTHLAB_IMAGES: 'bad.yaml' } }),
      { code: 'BAD_INPUT' });
  });
});

describe('which runtime owns a lab folder', () => {
  const state = (runtime: 'local' | 'docker', replicas: number): LabState => ({
    version: 1, runtime, portBase: 1, labDir: '/x', createdAt: '', postgresDataDir: '',
    replicas: Object.fromEntries(Array.from({ length: replicas }, (_, i) => [`auth-${i + 1}`, {
      id: `auth-${i + 1}`, service: 'auth' as const, replica: i + 1, port: 1, pid: 0,
      pidStartTicks: 0, startedAt: '', logFile: '',
    }])),
  });
  const withRuntime = (runtime: 'local' | 'docker') => ({ ...config, runtime });

  test('a running lab decides, whatever is asked', () => {
    assert.equal(runtimeNameFor(withRuntime('local'), state('docker', 1)), 'docker');
    assert.equal(runtimeNameFor(withRuntime('docker'), state('local', 1)), 'local');
  });

  test('a stopped docker lab is remembered; asking for docker moves a stopped local lab', () => {
    assert.equal(runtimeNameFor(withRuntime('local'), state('docker', 0)), 'docker');
    assert.equal(runtimeNameFor(withRuntime('docker'), state('local', 0)), 'docker');
    assert.equal(runtimeNameFor(withRuntime('local'), null), 'local');
    assert.equal(runtimeNameFor(withRuntime('docker'), null), 'docker');
  });
});

describe('engine plumbing', () => {
  test('a lab id is stable for one folder and differs between folders', () => {
    assert.equal(labIdFor('/tmp/a/lab'), labIdFor('/tmp/a/lab/'));
    assert.notEqual(labIdFor('/tmp/a/lab'), labIdFor('/tmp/b/lab'));
    assert.match(labIdFor('/tmp/a/lab'), /^authlab-[0-9a-f]{10}$/);
  });

  test('a tar archive of files reads back with tar, long paths included', () => {
    const longPath = `etc/${'deep/'.repeat(25)}file.conf`;
    const archive = tarBuffer([
      { path: 'etc/nginx/nginx.conf', content: Buffer.from('worker_processes 1;\n'), mode: 0o644 },
      { path: longPath, content: Buffer.from('x'), mode: 0o600 },
    ]);
    assert.equal(archive.length % 512, 0);
    const listed = spawnSync('tar', ['-tvf', '-'], { input: archive, encoding: 'utf8' });
    assert.equal(listed.status, 0, listed.stderr);
    assert.match(listed.stdout, /-rw-r--r-- .* 20 .* etc\/nginx\/nginx\.conf/);
    assert.ok(listed.stdout.includes(longPath));
    const content = spawnSync('tar', ['-xOf', '-', 'etc/nginx/nginx.conf'],
      { input: archive, encoding: 'utf8' });
    assert.equal(content.stdout, 'worker_processes 1;\n');
  });

  test('log frames from the engine join into the text, stdout and stderr alike', () => {
    const frame = (stream: number, text: string) => {
      const header = Buffer.alloc(8);
      header[0] = stream;
      header.writeUInt32BE(Buffer.byteLength(text), 4);
      return Buffer.concat([header, Buffer.from(text)]);
    };
    assert.equal(demuxLogFrames(Buffer.concat([frame(1, 'out\n'), frame(2, 'err\n')])),
      'out\nerr\n');
    assert.equal(demuxLogFrames(Buffer.from('plain tty output\n')), 'plain tty output\n');
  });

  test('CPU is percent of one core; memory leaves out the page cache', () => {
    const usage = usageFromStats({
      cpu_stats: { cpu_usage: { total_usage: 3_000_000_000 }, system_cpu_usage: 20e9,
        online_cpus: 2 },
      precpu_stats: { cpu_usage: { total_usage: 2_000_000_000 }, system_cpu_usage: 18e9,
        online_cpus: 2 },
      memory_stats: { usage: 300 * 1024 * 1024, stats: { inactive_file: 100 * 1024 * 1024 } },
    } as never);
    assert.deepEqual(usage, { cpuPercent: 100, rssMiB: 200 });
  });
});

test('the lab-services Dockerfile takes its base image as NODE_IMAGE', () => {
  const dockerfile = readFileSync(join(stacksDir(), 'docker', 'lab-services.Dockerfile'), 'utf8');
  assert.match(dockerfile, /^ARG NODE_IMAGE=node:20-bookworm-slim$/m);
  assert.match(dockerfile, /^FROM \$\{NODE_IMAGE\}$/m);
  assert.equal(readPinnedImages().node, 'node:20-bookworm-slim');
});
