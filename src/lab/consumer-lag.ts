/**
 * Consumer lag of each member of the profile group: for the partitions assigned to it, how
 * many events the topic holds past the group's committed offsets.
 */
import { AssignerProtocol, Kafka, logLevel } from 'kafkajs';

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
