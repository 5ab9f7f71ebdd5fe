import { fixKafkajsIdleRequestQueue } from './kafkajs-request-queue.fix';

interface PushedRequest {
  entry: { correlationId: number; resolve: (response: unknown) => void; reject: (error: unknown) => void };
  expectResponse: boolean;
  sendRequest: () => void;
}

interface RequestQueue {
  pending: unknown[];
  throttleCheckTimeoutId: ReturnType<typeof setTimeout> | null;
  push(request: PushedRequest): void;
  fulfillRequest(response: { correlationId: number; payload: Buffer; size: number }): void;
  maybeThrottle(ms: number): void;
  destroy(): void;
}

const RequestQueueClass = require('kafkajs/src/network/requestQueue') as new (options: object) => RequestQueue;

const silent = { debug: () => undefined, info: () => undefined, warn: () => undefined, error: () => undefined };

/** kafkajs' own queue, one request in flight at a time, as the relay's producer has it. */
function queue(): RequestQueue {
  return new RequestQueueClass({
    maxInFlightRequests: 1,
    requestTimeout: 30_000,
    enforceRequestTimeout: false,
    clientId: 'spec',
    broker: 'broker:9092',
    logger: silent,
  });
}

function request(correlationId: number, sent: number[], answered: number[]): PushedRequest {
  return {
    entry: { correlationId, resolve: () => answered.push(correlationId), reject: () => undefined },
    expectResponse: true,
    sendRequest: () => sent.push(correlationId),
  };
}

/** Resolves once `done()` holds, looking every 5 ms (the queue's own timers run meanwhile). */
function until(done: () => boolean): Promise<void> {
  return new Promise((resolve) => {
    const check = setInterval(() => {
      if (done()) {
        clearInterval(check);
        resolve();
      }
    }, 5);
  });
}

const answer = (q: RequestQueue, correlationId: number) => q.fulfillRequest({ correlationId, payload: Buffer.alloc(0), size: 0 });

describe('kafkajs request queue with the idle loop fixed', () => {
  beforeAll(() => {
    expect(fixKafkajsIdleRequestQueue()).toBe(true);
  });

  it('given a queue whose requests were all answered, when idle, then no timer is left running', () => {
    const q = queue();
    const sent: number[] = [];
    const answered: number[] = [];
    q.push(request(1, sent, answered));
    answer(q, 1);

    expect(answered).toEqual([1]);
    expect(q.throttleCheckTimeoutId).toBeNull();
    q.destroy();
  });

  it('given a request queued behind one in flight, when that one is answered, then the queued one is sent, and the check stops once all are answered', async () => {
    const q = queue();
    const sent: number[] = [];
    const answered: number[] = [];
    q.push(request(1, sent, answered));
    q.push(request(2, sent, answered));
    expect(sent).toEqual([1]);
    expect(q.throttleCheckTimeoutId).not.toBeNull();

    answer(q, 1);
    expect(sent).toEqual([1, 2]);
    answer(q, 2);

    // The check scheduled for the queued request runs once more, finds nothing and schedules nothing.
    await until(() => q.throttleCheckTimeoutId === null);

    expect(answered).toEqual([1, 2]);
    expect(q.pending).toEqual([]);
    q.destroy();
  });

  it('given a throttled queue with a request waiting, when the throttle ends, then the request is sent by the scheduled check', async () => {
    const q = queue();
    const sent: number[] = [];
    const answered: number[] = [];
    q.maybeThrottle(20);
    q.push(request(1, sent, answered));
    expect(sent).toEqual([]);

    await until(() => sent.length > 0);
    answer(q, 1);

    expect(answered).toEqual([1]);
    q.destroy();
  });
});
