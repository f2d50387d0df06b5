/** Every service of the stack, in the order `up` starts them. */
import type { ServiceName } from '../../lab-state.js';
import type { LocalService } from '../local-context.js';
import { connectService } from './connect.js';
import { kafkaService } from './kafka.js';
import { authService, profileService } from './lab-services.js';
import { mongoService } from './mongo.js';
import { nginxService } from './nginx.js';
import { prometheusService } from './prometheus.js';
import { postgresService } from './postgres.js';
import { redisService } from './redis.js';

export const LOCAL_SERVICES: readonly LocalService[] = [
  postgresService, redisService, kafkaService, mongoService, connectService, authService,
  profileService, nginxService, prometheusService,
];

export function localService(name: ServiceName): LocalService {
  const found = LOCAL_SERVICES.find((service) => service.service === name);
  if (!found) throw new Error(`no local service named ${name}`);
  return found;
}
