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
      queue.tryRun('a', loggedTask(log, '1')),
      queue.tryRun('a', loggedTask(log, '2')),
      queue.tryRun('a', loggedTask(log, '3')),
    ]);

    expect(results).toEqual(['1', '2', '3']);
    expect(log).toEqual(['start 1', 'end 1', 'start 2', 'end 2', 'start 3', 'end 3']);
  });

  it('given tasks on different keys, when they overlap, then they run concurrently', async () => {
    const queue = new KeyedSerialQueue();
    const log: string[] = [];

    await Promise.all([queue.tryRun('a', loggedTask(log, 'a')), queue.tryRun('b', loggedTask(log, 'b'))]);

    expect(log.slice(0, 2)).toEqual(['start a', 'start b']);
  });

  it('given a failing task, when the next one is queued, then it still runs and the failure reaches only its caller', async () => {
    const queue = new KeyedSerialQueue();
    const failed = queue.tryRun('a', async () => {
      throw new Error('boom');
    });
    const next = queue.tryRun('a', async () => 'ran');

    await expect(failed).rejects.toThrow('boom');
    await expect(next).resolves.toBe('ran');
  });

  it('forgets a key once its queue drains, so memory does not grow with the number of accounts', async () => {
    const queue = new KeyedSerialQueue();
    await Promise.all(Array.from({ length: 100 }, (_, i) => queue.tryRun(`k${i}`, async () => i)));
    await tick();
    expect(queue.size).toBe(0);
  });

  it('given maxWaiting tasks waiting behind the running one, when one more comes, then it is refused at once and never runs', async () => {
    const queue = new KeyedSerialQueue(2);
    let release: (value: string) => void = () => undefined;
    const held = new Promise<string>((resolve) => (release = resolve));
    const running = queue.tryRun('a', () => held);
    const waiting = [queue.tryRun('a', async () => 'first'), queue.tryRun('a', async () => 'second')];
    let ran = false;

    const refused = queue.tryRun('a', async () => {
      ran = true;
      return 'refused';
    });

    expect(refused).toBeNull();
    expect(queue.tasksOn('a')).toBe(3);
    expect(queue.tryRun('b', async () => 'other key')).not.toBeNull();
    release('running');
    await expect(Promise.all([running, ...waiting])).resolves.toEqual(['running', 'first', 'second']);
    expect(ran).toBe(false);
  });

  it('given a full queue, once it drains, then the key takes tasks again', async () => {
    const queue = new KeyedSerialQueue(0);
    const first = queue.tryRun('a', async () => 'first');
    expect(queue.tryRun('a', async () => 'refused')).toBeNull();
    await first;
    await tick();

    expect(queue.tasksOn('a')).toBe(0);
    await expect(queue.tryRun('a', async () => 'again')).resolves.toBe('again');
  });
});
