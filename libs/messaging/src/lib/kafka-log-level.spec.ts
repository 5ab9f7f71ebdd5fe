import { logLevel } from 'kafkajs';
import { appLogLevelOf } from './kafka-log-level';

describe('appLogLevelOf', () => {
  it('given a reply kafkajs retries (coordinator loading on a new broker), when logged, then it is debug, not error', () => {
    const extra = { error: "The coordinator is loading and hence can't process requests for this group", correlationId: 3 };
    expect(appLogLevelOf(logLevel.ERROR, 'Response FindCoordinator(key: 10, version: 2)', extra)).toBe('debug');
  });

  it('given a reply kafkajs does not retry, when logged, then it stays an error', () => {
    const extra = { error: 'Not authorized to access topics: [Topic authorization failed]' };
    expect(appLogLevelOf(logLevel.ERROR, 'Response Metadata(key: 3, version: 6)', extra)).toBe('error');
  });

  it('given an error without a broker reply (a crash, a refused connection), when logged, then it is an error', () => {
    expect(appLogLevelOf(logLevel.ERROR, 'Crash: KafkaJSNumberOfRetriesExceeded', {})).toBe('error');
    expect(appLogLevelOf(logLevel.NOTHING, 'Connection error', { error: 42 })).toBe('error');
  });

  it("given warnings and the relay's own retry limit notice, when logged, then warn and debug", () => {
    expect(appLogLevelOf(logLevel.WARN, 'Group rebalancing', {})).toBe('warn');
    expect(appLogLevelOf(logLevel.WARN, 'Limiting retries for the idempotent producer to 1', {})).toBe('debug');
    expect(appLogLevelOf(logLevel.INFO, 'Consumer has joined the group', {})).toBe('debug');
  });
});
