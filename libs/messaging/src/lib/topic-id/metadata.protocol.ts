import { WireReader, WireWriter } from './kafka-wire.codec';

const API_VERSIONS = 18;
const METADATA = 3;

/** Topic ids came with Metadata v10 (Kafka 2.8, KIP-516); v12 is the newest layout decoded here. */
export const METADATA_TOPIC_ID_VERSIONS = { min: 10, max: 12 } as const;

/** Kafka shows a topic id as its 16 bytes in unpadded base64url (`kafka-topics.sh --describe`). */
export function topicIdText(bytes: Buffer): string | null {
  return bytes.every((byte) => byte === 0) ? null : bytes.toString('base64url');
}

export interface VersionRange {
  readonly min: number;
  readonly max: number;
}

/**
 * ApiVersions v0: the one request every broker answers whatever it supports (header v1, response
 * header v0), so a client learns which Metadata version it may send.
 */
export function encodeApiVersionsRequest(correlationId: number, clientId: string): Buffer {
  return new WireWriter().int16(API_VERSIONS).int16(0).int32(correlationId).string(clientId).bytes();
}

export function decodeApiVersionsResponse(body: Buffer): Map<number, VersionRange> {
  const reader = new WireReader(body);
  reader.int32(); // correlation id, checked by the connection
  const errorCode = reader.int16();
  if (errorCode !== 0) throw new Error(`ApiVersions failed with error code ${errorCode}`);
  const entries = reader.array((r) => [r.int16(), { min: r.int16(), max: r.int16() }] as const);
  return new Map(entries);
}

/** The Metadata version to use for topic ids, or null when the broker supports none (before 2.8). */
export function metadataVersionForTopicIds(supported: ReadonlyMap<number, VersionRange>): number | null {
  const range = supported.get(METADATA);
  if (range === undefined || range.max < METADATA_TOPIC_ID_VERSIONS.min) return null;
  return Math.min(range.max, METADATA_TOPIC_ID_VERSIONS.max);
}

/** Metadata v10..v12 for one topic by name, with request header v2 (flexible). No auto-creation. */
export function encodeMetadataRequest(version: number, correlationId: number, clientId: string, topic: string): Buffer {
  assertTopicIdVersion(version);
  const writer = new WireWriter().int16(METADATA).int16(version).int32(correlationId).string(clientId).noTaggedFields();
  writer.compactArray([topic], (w, name) => w.uuid(Buffer.alloc(16)).compactString(name).noTaggedFields());
  writer.boolean(false); // allow_auto_topic_creation
  if (version === 10) writer.boolean(false); // include_cluster_authorized_operations, gone in v11
  writer.boolean(false); // include_topic_authorized_operations
  return writer.noTaggedFields().bytes();
}

export interface TopicMetadata {
  readonly name: string | null;
  readonly errorCode: number;
  /** Null when the broker reports the zero UUID (no id, e.g. for an unknown topic). */
  readonly topicId: string | null;
}

export interface MetadataResponse {
  readonly clusterId: string | null;
  readonly topics: readonly TopicMetadata[];
}

export function decodeMetadataResponse(version: number, body: Buffer): MetadataResponse {
  assertTopicIdVersion(version);
  const reader = new WireReader(body);
  reader.int32(); // correlation id, checked by the connection
  reader.skipTaggedFields(); // response header v1
  reader.int32(); // throttle_time_ms
  reader.compactArray(skipBroker);
  const clusterId = reader.compactString();
  reader.int32(); // controller_id
  const topics = reader.compactArray(readTopic);
  return { clusterId, topics };
}

function skipBroker(reader: WireReader): void {
  reader.int32(); // node_id
  reader.compactString(); // host
  reader.int32(); // port
  reader.compactString(); // rack
  reader.skipTaggedFields();
}

function readTopic(reader: WireReader): TopicMetadata {
  const errorCode = reader.int16();
  const name = reader.compactString();
  const topicId = topicIdText(reader.uuid());
  reader.boolean(); // is_internal
  reader.compactArray(skipPartition);
  reader.int32(); // topic_authorized_operations
  reader.skipTaggedFields();
  return { name, errorCode, topicId };
}

function skipPartition(reader: WireReader): void {
  reader.int16(); // error_code
  reader.int32(); // partition_index
  reader.int32(); // leader_id
  reader.int32(); // leader_epoch
  reader.compactArray((r) => r.int32()); // replica_nodes
  reader.compactArray((r) => r.int32()); // isr_nodes
  reader.compactArray((r) => r.int32()); // offline_replicas
  reader.skipTaggedFields();
}

function assertTopicIdVersion(version: number): void {
  const { min, max } = METADATA_TOPIC_ID_VERSIONS;
  if (!Number.isInteger(version) || version < min || version > max) {
    throw new RangeError(`Metadata v${version} is not one of v${min}..v${max}`);
  }
}
