import { KeyedSerialQueue } from './keyed-serial-queue';

const tick = () => new Promise((resolve) => setImmediate(resolve));

/** A task that logs its start and its end, one tick apart, and returns its name. */
const loggedTask = (log: string[], name: string) => async () => {
  log.push(`start ${name}`);
  await tick();
  log.push(`end ${name}`);
  return name;
};

describe('KeyedSerialQueue', () => {
  it('given tasks on one key, when they overlap, then they run one after another in arrival order', async () => {
    const queue = new KeyedSerialQueue();
    const log: string[] = [];

    const results = await Promise.all([
      queue.run('a', loggedTask(log, '1')),
      queue.run('a', loggedTask(log, '2')),
      queue.run('a', loggedTask(log, '3')),
    ]);

    expect(results).toEqual(['1', '2', '3']);
    expect(log).toEqual(['start 1', 'end 1', 'start 2', 'end 2', 'start 3', 'end 3']);
  });

  it('given tasks on different keys, when they overlap, then they run concurrently', async () => {
    const queue = new KeyedSerialQueue();
    const log: string[] = [];

    await Promise.all([queue.run('a', loggedTask(log, 'a')), queue.run('b', loggedTask(log, 'b'))]);

    expect(log.slice(0, 2)).toEqual(['start a', 'start b']);
  });

  it('given a failing task, when the next one is queued, then it still runs and the failure reaches only its caller', async () => {
    const queue = new KeyedSerialQueue();
    const failed = queue.run('a', async () => {
      throw new Error('boom');
    });
    const next = queue.run('a', async () => 'ran');

    await expect(failed).rejects.toThrow('boom');
    await expect(next).resolves.toBe('ran');
  });

  it('forgets a key once its queue drains, so memory does not grow with the number of accounts', async () => {
    const queue = new KeyedSerialQueue();
    await Promise.all(Array.from({ length: 100 }, (_, i) => queue.run(`k${i}`, async () => i)));
    await tick();
    expect(queue.size).toBe(0);
  });
});
