import { messageOf } from '@ledger/platform';
import { KafkaWireConnection } from './kafka-wire.connection';
import {
  decodeApiVersionsResponse,
  decodeMetadataResponse,
  encodeApiVersionsRequest,
  encodeMetadataRequest,
  metadataVersionForTopicIds,
} from './metadata.protocol';

export interface TopicIdQuery {
  /** Bootstrap brokers, host:port; asked in turn until one answers. */
  readonly brokers: readonly string[];
  readonly topic: string;
  readonly clientId?: string;
  /** Per connect and per request. Default 10 s. */
  readonly timeoutMs?: number;
}

/** Kafka's "this topic does not exist" error code. */
const UNKNOWN_TOPIC_OR_PARTITION = 3;

/**
 * The topic's id as Kafka shows it (`kafka-topics.sh --describe`), or null when the cluster has no
 * topic ids (before Kafka 2.8). A topic deleted and created again under the same name gets a new id.
 *
 * kafkajs 2.2.4 speaks Metadata up to v6, and topic ids came in v10; its protocol layer is internal
 * (untyped modules under `src/`, requests sent through a private symbol), so rather than reach into
 * it, this asks a broker itself: ApiVersions v0, then Metadata v10..v12 for the one topic, on its own
 * short-lived plaintext connection (the project's Kafka clients use neither TLS nor SASL).
 */
export async function fetchTopicId(query: TopicIdQuery): Promise<string | null> {
  const errors: string[] = [];
  for (const broker of query.brokers) {
    try {
      return await askBroker(broker, query);
    } catch (error) {
      if (error instanceof UnknownTopicError) throw error;
      errors.push(`${broker}: ${messageOf(error)}`);
    }
  }
  throw new Error(`cannot read the id of topic ${query.topic}: ${errors.join('; ') || 'no brokers given'}`);
}

export class UnknownTopicError extends Error {
  constructor(readonly topic: string) {
    super(`topic ${topic} does not exist`);
    this.name = 'UnknownTopicError';
  }
}

async function askBroker(broker: string, query: TopicIdQuery): Promise<string | null> {
  const { host, port } = hostAndPort(broker);
  const timeoutMs = query.timeoutMs ?? 10_000;
  const clientId = query.clientId ?? 'ledger-topic-id';
  const connection = await KafkaWireConnection.open(host, port, timeoutMs);
  try {
    const versions = decodeApiVersionsResponse(await connection.request(encodeApiVersionsRequest(1, clientId), 1, timeoutMs));
    const version = metadataVersionForTopicIds(versions);
    if (version === null) return null;
    const frame = await connection.request(encodeMetadataRequest(version, 2, clientId, query.topic), 2, timeoutMs);
    const topic = decodeMetadataResponse(version, frame).topics.find((t) => t.name === query.topic);
    if (topic === undefined || topic.errorCode === UNKNOWN_TOPIC_OR_PARTITION) throw new UnknownTopicError(query.topic);
    if (topic.errorCode !== 0) throw new Error(`metadata of topic ${query.topic}: error code ${topic.errorCode}`);
    return topic.topicId;
  } finally {
    connection.close();
  }
}

function hostAndPort(broker: string): { host: string; port: number } {
  const at = broker.lastIndexOf(':');
  const port = Number(broker.slice(at + 1));
  if (at <= 0 || !Number.isInteger(port) || port < 1 || port > 65_535) {
    throw new Error(`broker address ${broker} is not host:port`);
  }
  return { host: broker.slice(0, at).replace(/^\[(.*)\]$/, '$1'), port };
}
