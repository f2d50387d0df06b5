/**
 * Per-lab secrets (database passwords, the JWT key), generated once and kept in the lab
 * folder with owner-only permissions. They are never printed.
 */
import { randomBytes } from 'node:crypto';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

export interface LabSecrets {
  readonly pgPassword: string;
  readonly redisPassword: string;
  readonly jwtSecret: string;
  readonly kafkaClusterId: string;
}

function token(bytes: number): string {
  return randomBytes(bytes).toString('base64url');
}

/**
 * A KRaft cluster id: 16 random bytes in base64url. One that starts with "-" would be read as
 * an option by Kafka's storage tool (and Kafka's own generator never makes one), so it is
 * drawn again; one in 64 would otherwise fail `up`.
 */
export function newKafkaClusterId(): string {
  for (;;) {
    const id = token(16);
    if (!id.startsWith('-')) return id;
  }
}

export function loadOrCreateSecrets(labDir: string): LabSecrets {
  const path = join(labDir, 'secrets.json');
  if (existsSync(path)) return Object.freeze(JSON.parse(readFileSync(path, 'utf8')) as LabSecrets);

  const secrets: LabSecrets = {
    pgPassword: token(18),
    redisPassword: token(18),
    jwtSecret: token(48),
    kafkaClusterId: newKafkaClusterId(),
  };
  writeFileSync(path, JSON.stringify(secrets, null, 2), { mode: 0o600 });
  return Object.freeze(secrets);
}
