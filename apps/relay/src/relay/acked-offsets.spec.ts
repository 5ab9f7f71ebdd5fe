import type { RecordMetadata } from 'kafkajs';
import { AckedOffsets, OffsetWentBackError } from './acked-offsets';

const ack = (partition: number, baseOffset: string | undefined, topicName = 'account-events'): RecordMetadata => ({
  topicName,
  partition,
  errorCode: 0,
  ...(baseOffset === undefined ? {} : { baseOffset }),
});

describe('AckedOffsets', () => {
  it('given acknowledgements whose offsets grow per partition, when advanced, then nothing is reported', () => {
    const offsets = new AckedOffsets();

    offsets.advance([ack(0, '0'), ack(1, '0')]);
    offsets.advance([ack(0, '7'), ack(2, '0')]);

    expect(() => offsets.advance([ack(0, '8'), ack(1, '1'), ack(2, '9007199254740993')])).not.toThrow();
  });

  it('given a partition that acknowledges an offset at or below an earlier one, when advanced, then the topic is reported as not the same', () => {
    const offsets = new AckedOffsets();
    offsets.advance([ack(0, '41'), ack(1, '12')]);

    expect(() => offsets.advance([ack(1, '12')])).toThrow(OffsetWentBackError);
    expect(() => offsets.advance([ack(0, '0')])).toThrow('partition 0 of account-events acknowledged offset 0 after 41');
  });

  it('given another topic or no offset in the acknowledgement, when advanced, then it is not compared', () => {
    const offsets = new AckedOffsets();
    offsets.advance([ack(0, '41')]);

    expect(() => offsets.advance([ack(0, '0', 'other-topic'), ack(0, undefined)])).not.toThrow();
  });
});
