/**
 * Consumer lag of each member of the profile group: for the partitions assigned to it, how
 * many events the topic holds past the group's committed offsets.
 */
import { AssignerProtocol, Kafka, logLevel } from 'kafkajs';

import type { ReplicaStatus } from '../runtime/replica-status.js';
import { PROFILE_GROUP, USERS_TOPIC } from '../stack/endpoints.js';

export interface MemberLag {
  clientId: string;
  partitions: number[];
  lagEvents: number;
}

export async function consumerGroupLag(brokers: string[], group: string, topic: string) {
  const kafka = new Kafka({ clientId: 'authlab-status', brokers, logLevel: logLevel.NOTHING,
    connectionTimeout: 3000, retry: { retries: 1 } });
  const admin = kafka.admin();
  await admin.connect();
  try {
    const [described] = (await admin.describeGroups([group])).groups;
    const committed = await admin.fetchOffsets({ groupId: group, topics: [topic] });
    const ends = await admin.fetchTopicOffsets(topic);

    const committedOf = new Map((committed[0]?.partitions ?? [])
      .map((p) => [p.partition, Number(p.offset)]));
    const lagOf = (partition: number) => {
      const end = ends.find((e) => e.partition === partition);
      if (!end) return 0;
      const done = committedOf.get(partition) ?? -1;
      // -1: nothing committed yet, so everything from the log start is still to consume.
      return Number(end.high) - (done >= 0 ? done : Number(end.low));
    };

    const members: MemberLag[] = (described?.members ?? []).map((member) => {
      const decoded = member.memberAssignment.length > 0
        ? AssignerProtocol.MemberAssignment.decode(member.memberAssignment) : null;
      const partitions = [...(decoded?.assignment[topic] ?? [])].sort((a, b) => a - b);
      return {
        clientId: member.clientId,
        partitions,
        lagEvents: partitions.reduce((sum, partition) => sum + lagOf(partition), 0),
      };
    });
    const totalLag = ends.reduce((sum, end) => sum + lagOf(end.partition), 0);
    return { members, totalLag, partitionCount: ends.length };
  } finally {
    await admin.disconnect();
  }
}

/**
 * Fills `consumerLag` of the profile rows of a status table, whichever runtime made it. Each
 * profile replica names its Kafka client `authlab-<replica id>`. Kafka being down leaves the
 * lag unknown (null), which the table shows as "-".
 */
export async function fillConsumerLag(rows: ReplicaStatus[], brokers: string[]) {
  const profiles = rows.filter((row) => row.service === 'profile');
  if (profiles.length === 0) return rows;
  try {
    const lag = await consumerGroupLag(brokers, PROFILE_GROUP, USERS_TOPIC);
    for (const row of profiles) {
      row.consumerLag = lag.members.find((m) => m.clientId === `authlab-${row.id}`)?.lagEvents
        ?? null;
    }
  } catch {
    // Unknown stays null.
  }
  return rows;
}
