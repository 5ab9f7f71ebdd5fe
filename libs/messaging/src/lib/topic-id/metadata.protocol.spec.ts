import { WireReader, WireWriter } from './kafka-wire.codec';
import {
  decodeApiVersionsResponse,
  decodeMetadataResponse,
  encodeApiVersionsRequest,
  encodeMetadataRequest,
  metadataVersionForTopicIds,
  topicIdText,
} from './metadata.protocol';

// Responses of a Kafka 4.3 broker (cluster T3TLO-PPRvakZcFoBYMUGQ) to the requests below, as received
// after the size prefix; `kafka-topics.sh --describe` showed the topic as TopicId: BeHY5MWjS1uu2Wmq3Acw1A.
const CLUSTER = 'T3TLO-PPRvakZcFoBYMUGQ';
const TOPIC_ID = 'BeHY5MWjS1uu2Wmq3Acw1A';
const HEAD =
  '00000002000000000002000000010a3132372e302e302e31000023840000175433544c4f2d50505276616b5a63466f42594d554751000000010200000d' +
  '722d70726f746f2d7465737405e1d8e4c5a34b5baed969aadc0730d40003000000000000000000010000000002000000010200000001010000000000' +
  '00010000000100000000020000000102000000010100800000000';
const METADATA_V12 = `${HEAD}000`;
const METADATA_V10 = `${HEAD}08000000000`;
const UNKNOWN_TOPIC_V12 =
  '00000002000000000002000000010a3132372e302e302e31000023840000175433544c4f2d50505276616b5a63466f42594d55475100000001020003' +
  '126e6f2d737563682d746f7069632d78797a000000000000000000000000000000000001800000000000';

describe('Kafka Metadata protocol for topic ids', () => {
  it('given a broker response for v12 or v10, when decoded, then the cluster id and the topic id come out as Kafka shows them', () => {
    for (const [version, hex] of [
      [12, METADATA_V12],
      [10, METADATA_V10],
    ] as const) {
      const response = decodeMetadataResponse(version, Buffer.from(hex, 'hex'));

      expect(response).toEqual({ clusterId: CLUSTER, topics: [{ name: 'r-proto-test', errorCode: 0, topicId: TOPIC_ID }] });
    }
  });

  it('given an unknown topic, when decoded, then its error code is 3 and it has no id', () => {
    const response = decodeMetadataResponse(12, Buffer.from(UNKNOWN_TOPIC_V12, 'hex'));

    expect(response.topics).toEqual([{ name: 'no-such-topic-xyz', errorCode: 3, topicId: null }]);
  });

  it('given a truncated or garbled response, when decoded, then it fails instead of inventing an id', () => {
    const whole = Buffer.from(METADATA_V12, 'hex');

    expect(() => decodeMetadataResponse(12, whole.subarray(0, 80))).toThrow(/truncated/);
    expect(() => decodeMetadataResponse(12, Buffer.alloc(0))).toThrow(/truncated/);
    expect(() => decodeMetadataResponse(12, Buffer.from('00000002ffffffffff', 'hex'))).toThrow(/varint|truncated/);
  });

  it('given a topic, when the request is encoded, then it is Metadata v12 with header v2, no auto-creation', () => {
    const request = encodeMetadataRequest(12, 2, 'probe', 'r-proto-test');

    expect(request.toString('hex')).toBe(
      '0003' +
        '000c' +
        '00000002' +
        '000570726f6265' +
        '00' +
        '02' +
        '00'.repeat(16) +
        '0d722d70726f746f2d74657374' +
        '00' +
        '00' +
        '00' +
        '00',
    );
    expect(encodeMetadataRequest(10, 2, 'probe', 'r-proto-test').length).toBe(request.length + 1);
    expect(() => encodeMetadataRequest(9, 2, 'probe', 'r-proto-test')).toThrow(RangeError);
    expect(() => encodeMetadataRequest(13, 2, 'probe', 'r-proto-test')).toThrow(RangeError);
  });

  it('given the versions a broker supports, when one is chosen, then it is the newest known one, or none before topic ids', () => {
    const supports = (max: number) => new Map([[3, { min: 0, max }]]);

    expect(metadataVersionForTopicIds(supports(13))).toBe(12);
    expect(metadataVersionForTopicIds(supports(11))).toBe(11);
    expect(metadataVersionForTopicIds(supports(9))).toBeNull();
    expect(metadataVersionForTopicIds(new Map())).toBeNull();
  });

  it('given an ApiVersions v0 exchange, when encoded and decoded, then the Metadata range is read', () => {
    const response = new WireWriter().int32(1).int16(0).int32(2).int16(18).int16(0).int16(4).int16(3).int16(0).int16(13).bytes();

    expect(encodeApiVersionsRequest(1, 'probe').toString('hex')).toBe('0012' + '0000' + '00000001' + '000570726f6265');
    expect(decodeApiVersionsResponse(response).get(3)).toEqual({ min: 0, max: 13 });
    expect(() => decodeApiVersionsResponse(new WireWriter().int32(1).int16(35).int32(0).bytes())).toThrow(/error code 35/);
  });

  it('given the zero UUID, when shown, then there is no id', () => {
    expect(topicIdText(Buffer.alloc(16))).toBeNull();
    expect(topicIdText(Buffer.from('05e1d8e4c5a34b5baed969aadc0730d4', 'hex'))).toBe(TOPIC_ID);
  });

  it('given varints of several sizes and tagged fields, when written and read back, then they round-trip', () => {
    const values = [0, 1, 127, 128, 300, 16_383, 16_384, 2 ** 31 - 1];
    const writer = new WireWriter();
    for (const v of values) writer.unsignedVarint(v);
    writer.unsignedVarint(1).unsignedVarint(7).unsignedVarint(2).int16(99).int8(5);
    const reader = new WireReader(writer.bytes());

    expect(values.map(() => reader.unsignedVarint())).toEqual(values);
    reader.skipTaggedFields();
    expect(reader.int8()).toBe(5);
  });
});
