/** The lab's own Node services, one process per replica, built from this repository. */
import { serviceEntry } from '../../../paths.js';
import { MONGO_DATABASE, PROFILE_GROUP, USERS_TOPIC } from '../../../stack/endpoints.js';
import { httpOk } from '../../probes.js';
import { baseEnvironment, type LocalContext, type LocalService } from '../local-context.js';

export const authService: LocalService = {
  service: 'auth',
  replicated: true,
  dependsOn: ['postgres', 'redis'],
  stopSignal: 'SIGTERM',
  ports: (ctx, replica) => [ctx.ports.auth(replica)],

  launch: (ctx, replica) => ({
    file: process.execPath,
    args: [serviceEntry('auth')],
    env: baseEnvironment({
      AUTHLAB_REPLICA: `auth-${replica}`,
      AUTHLAB_HTTP_PORT: String(ctx.ports.auth(replica)),
      AUTHLAB_PG_URL: ctx.endpoints.postgresUrl,
      AUTHLAB_REDIS_URL: ctx.endpoints.redisUrl,
      AUTHLAB_JWT_SECRET: ctx.secrets.jwtSecret,
      AUTHLAB_BCRYPT_COST: String(ctx.config.bcryptCost),
    }),
  }),

  // /readyz answers 200 only when Postgres and Redis answer the replica.
  probe: async (ctx, replica) => {
    await httpOk(`${ctx.endpoints.authUrl(replica)}/readyz`);
  },
};

function consumerTuning(ctx: LocalContext): Record<string, string> {
  const { maxWaitMs, minBytes } = ctx.tuning.profileConsumer;
  return {
    ...(maxWaitMs === undefined ? {} : { AUTHLAB_CONSUMER_MAX_WAIT_MS: String(maxWaitMs) }),
    ...(minBytes === undefined ? {} : { AUTHLAB_CONSUMER_MIN_BYTES: String(minBytes) }),
  };
}

export const profileService: LocalService = {
  service: 'profile',
  replicated: true,
  dependsOn: ['kafka', 'mongo', 'connect'],
  stopSignal: 'SIGTERM',
  ports: (ctx, replica) => [ctx.ports.profile(replica)],

  launch: (ctx, replica) => ({
    file: process.execPath,
    args: [serviceEntry('profile')],
    env: baseEnvironment({
      AUTHLAB_REPLICA: `profile-${replica}`,
      AUTHLAB_HTTP_PORT: String(ctx.ports.profile(replica)),
      AUTHLAB_KAFKA_BROKERS: ctx.endpoints.kafkaBrokers.join(','),
      AUTHLAB_KAFKA_TOPIC: USERS_TOPIC,
      AUTHLAB_KAFKA_GROUP: PROFILE_GROUP,
      AUTHLAB_MONGO_URL: ctx.endpoints.mongoUrl,
      AUTHLAB_MONGO_DB: MONGO_DATABASE,
      ...consumerTuning(ctx),
    }),
  }),

  probe: async (ctx, replica) => {
    await httpOk(`${ctx.endpoints.profileUrl(replica)}/healthz`);
  },
};
