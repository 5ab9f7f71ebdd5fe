import { KafkaJSNonRetriableError, KafkaJSNumberOfRetriesExceeded, KafkaJSProtocolError } from 'kafkajs';
import { isRebalanceError } from './kafka-errors';

const protocolError = (type: string) => Object.assign(new Error(type), { type });

describe('isRebalanceError', () => {
  it.each(['REBALANCE_IN_PROGRESS', 'ILLEGAL_GENERATION', 'UNKNOWN_MEMBER_ID', 'NOT_COORDINATOR_FOR_GROUP', 'FENCED_INSTANCE_ID'])(
    '%s means the partition may be gone',
    (type) => {
      expect(isRebalanceError(protocolError(type))).toBe(true);
    },
  );

  it('finds the protocol error under the wrappers kafkajs retriers put around it', () => {
    const protocol = new KafkaJSProtocolError(
      Object.assign(new Error('rebalancing'), { type: 'REBALANCE_IN_PROGRESS', code: 27, retriable: false }),
    );
    // What createRetry rejects with: the error wrapped, its cause kept.
    const wrapped = new (KafkaJSNonRetriableError as unknown as new (e: Error, o: { cause: Error }) => Error)(protocol, {
      cause: protocol,
    });
    expect(isRebalanceError(protocol)).toBe(true);
    expect(isRebalanceError(wrapped)).toBe(true);
    expect(isRebalanceError(new KafkaJSNumberOfRetriesExceeded(wrapped, { retryCount: 5, retryTime: 1000 }))).toBe(true);
  });

  it.each([
    ['a connection error', protocolError('NETWORK_EXCEPTION')],
    ['a plain error', new Error('REBALANCE_IN_PROGRESS mentioned only in text')],
    ['not an error', 'REBALANCE_IN_PROGRESS'],
    ['nothing', undefined],
  ])('%s is not', (_what, error) => {
    expect(isRebalanceError(error)).toBe(false);
  });
});
