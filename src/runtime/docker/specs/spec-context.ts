/**
 * What spec functions know about the lab: settings, ports, secrets, images and which
 * replicas of auth and profile exist (nginx and Prometheus list them).
 */
import type { LabConfig } from '../../../config/lab-config.js';
import type { PortLayout } from '../../../stack/ports.js';
import type { LabSecrets } from '../../../stack/secrets.js';
import type { ImageName } from '../images.js';

export interface SpecContext {
  config: LabConfig;
  ports: PortLayout;
  secrets: LabSecrets;
  images: Record<ImageName, string>;
  /** The built (or user-given) image of the lab's own services. */
  labServicesImage: string;
  authReplicas: number[];
  profileReplicas: number[];
  /**
   * The AUTHLAB_* variables of a lab-service replica: the ones the local runtime gives its
   * process (see labServiceEnvironment), so both runtimes configure the services alike.
   */
  labServiceEnv(service: 'auth' | 'profile', replica: number): Record<string, string>;
}

/** Ports inside the containers on the lab network: each image's documented default. */
export const CONTAINER_PORTS = Object.freeze({
  postgres: 5432,
  redis: 6379,
  /** Clients on the host, advertised as 127.0.0.1:<published port>. */
  kafkaExternal: 9092,
  kafkaController: 9093,
  /** Containers on the lab network (Connect), advertised as kafka:19092. */
  kafkaInternal: 19092,
  connect: 8083,
  mongo: 27017,
});

/** Seconds a component gets to exit after its stop signal before the engine kills it. */
export function stopTimeoutS(ctx: SpecContext): number {
  return Math.max(1, Math.ceil(ctx.config.stopTimeoutMs / 1000));
}
