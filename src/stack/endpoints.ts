/**
 * How clients reach each part of a running lab: URLs with credentials, broker lists.
 * Derived from the port layout and the lab's secrets, never stored.
 */
import type { LabSecrets } from './secrets.js';
import type { PortLayout } from './ports.js';

export const PG_USER = 'authlab';
export const PG_DATABASE = 'authlab';
export const MONGO_DATABASE = 'authlab';
export const PROFILES_COLLECTION = 'profiles';
export const USERS_TOPIC = 'authlab.public.users';
export const CONNECTOR_NAME = 'authlab-users';
export const PROFILE_GROUP = 'authlab-profile';

export interface LabEndpoints {
  postgresUrl: string;
  /** The maintenance database, for CREATE DATABASE before the lab's own exists. */
  postgresAdminUrl: string;
  redisUrl: string;
  kafkaBrokers: string[];
  connectUrl: string;
  mongoUrl: string;
  nginxUrl: string;
  prometheusUrl: string;
  authUrl(replica: number): string;
  profileUrl(replica: number): string;
}

export function labEndpoints(ports: PortLayout, secrets: LabSecrets): LabEndpoints {
  const pg = (db: string) =>
    `postgres://${PG_USER}:${encodeURIComponent(secrets.pgPassword)}@127.0.0.1:${ports.postgres}/${db}`;
  return {
    postgresUrl: pg(PG_DATABASE),
    postgresAdminUrl: pg('postgres'),
    redisUrl: `redis://:${encodeURIComponent(secrets.redisPassword)}@127.0.0.1:${ports.redis}/0`,
    kafkaBrokers: [`127.0.0.1:${ports.kafka}`],
    connectUrl: `http://127.0.0.1:${ports.connect}`,
    mongoUrl: `mongodb://127.0.0.1:${ports.mongo}/`,
    nginxUrl: `http://127.0.0.1:${ports.nginx}`,
    prometheusUrl: `http://127.0.0.1:${ports.prometheus}`,
    authUrl: (replica) => `http://127.0.0.1:${ports.auth(replica)}`,
    profileUrl: (replica) => `http://127.0.0.1:${ports.profile(replica)}`,
  };
}
