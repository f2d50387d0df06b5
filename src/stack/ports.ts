/**
 * The lab's port layout: every port is the configured base plus a fixed offset, so two labs
 * with bases 100 apart never collide and a user can tell a port's owner by its number.
 */
import { LIMITS } from '../config/defaults.js';

export const PORT_OFFSETS = Object.freeze({
  postgres: 0,
  redis: 1,
  kafka: 2,
  kafkaController: 3,
  connect: 4,
  mongo: 5,
  nginx: 6,
  prometheus: 7,
  grafana: 8,
  /** auth-1 is base+20, auth-2 base+21, ... */
  authFirst: 20,
  /** profile-1 is base+60, ... */
  profileFirst: 60,
});

export const PORT_SPAN = PORT_OFFSETS.profileFirst + LIMITS.maxProfileReplicas;

export interface PortLayout {
  postgres: number;
  redis: number;
  kafka: number;
  kafkaController: number;
  connect: number;
  mongo: number;
  nginx: number;
  prometheus: number;
  grafana: number;
  auth(replica: number): number;
  profile(replica: number): number;
}

export function portLayout(base: number): PortLayout {
  return {
    postgres: base + PORT_OFFSETS.postgres,
    redis: base + PORT_OFFSETS.redis,
    kafka: base + PORT_OFFSETS.kafka,
    kafkaController: base + PORT_OFFSETS.kafkaController,
    connect: base + PORT_OFFSETS.connect,
    mongo: base + PORT_OFFSETS.mongo,
    nginx: base + PORT_OFFSETS.nginx,
    prometheus: base + PORT_OFFSETS.prometheus,
    grafana: base + PORT_OFFSETS.grafana,
    auth: (replica) => base + PORT_OFFSETS.authFirst + replica - 1,
    profile: (replica) => base + PORT_OFFSETS.profileFirst + replica - 1,
  };
}
