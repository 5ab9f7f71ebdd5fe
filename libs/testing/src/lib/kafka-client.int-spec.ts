import { connect, type Socket } from 'node:net';
import type { ISocketFactory } from 'kafkajs';
import { createKafka } from '@ledger/messaging';
import { testKafkaBrokers } from './test-kafka';

describe('createKafka (from @ledger/messaging)', () => {
  it('given a socket factory, when the client talks to the broker, then every connection it opened has Nagle off', async () => {
    const noDelayCalls: Array<boolean | undefined>[] = [];
    const recording: ISocketFactory = ({ host, port, onConnect }) => {
      const socket: Socket = connect({ host, port }, onConnect);
      const calls: Array<boolean | undefined> = [];
      noDelayCalls.push(calls);
      const setNoDelay = socket.setNoDelay.bind(socket);
      socket.setNoDelay = (noDelay?: boolean) => {
        calls.push(noDelay);
        return setNoDelay(noDelay);
      };
      return socket;
    };
    const admin = createKafka('no-delay-test', testKafkaBrokers(), recording).admin();
    await admin.connect();
    try {
      await admin.listTopics();
    } finally {
      await admin.disconnect();
    }

    expect(noDelayCalls.length).toBeGreaterThan(0);
    for (const calls of noDelayCalls) expect(calls).toEqual([true]);
  }, 30_000);
});
