import { randomBytes } from 'node:crypto';

/** The brokers the tests talk to: `KAFKA_BROKERS` when set, else the local one `tools/infra` provides. */
export function testKafkaBrokers(): string[] {
  return (process.env['KAFKA_BROKERS'] ?? '127.0.0.1:9092').split(',').map((b) => b.trim());
}

/** A topic name no other suite uses, so suites never read each other's messages. */
export function uniqueTopicName(prefix: string): string {
  return `${prefix}-${randomBytes(6).toString('hex')}`;
}
