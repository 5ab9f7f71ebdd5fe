import { TransactionCoalescer } from './transaction-coalescer';

/** A flush the test completes by hand, recording each group it was given. */
class ManualFlush {
  readonly groups: string[][] = [];
  private readonly pending: { resolve: (results: string[]) => void; reject: (error: unknown) => void; items: string[] }[] = [];

  readonly flush = (items: readonly string[]): Promise<readonly string[]> => {
    this.groups.push([...items]);
    return new Promise((resolve, reject) => this.pending.push({ resolve, reject, items: [...items] }));
  };

  /** Completes the oldest group in flight, each item's result being `done:<item>`. */
  complete(): void {
    const group = this.pending.shift();
    if (group === undefined) throw new Error('no group in flight');
    group.resolve(group.items.map((item) => `done:${item}`));
  }

  /** Groups handed to the flush and not completed yet. */
  get open(): number {
    return this.pending.length;
  }

  fail(error: unknown): void {
    const group = this.pending.shift();
    if (group === undefined) throw new Error('no group in flight');
    group.reject(error);
  }
}

/** Lets the scheduled turn and the promise callbacks that follow it run. */
const nextTurn = () => new Promise<void>((resolve) => setImmediate(resolve));

const coalescer = (flush: ManualFlush, options: { maxWeight?: number; concurrency?: number; weight?: (item: string) => number } = {}) =>
  new TransactionCoalescer<string, string>({
    flush: flush.flush,
    weight: options.weight ?? (() => 1),
    maxWeight: options.maxWeight ?? 100,
    concurrency: options.concurrency ?? 1,
  });

describe('TransactionCoalescer', () => {
  it('applies a lone item in the same turn, without waiting for company', async () => {
    const flush = new ManualFlush();
    const result = coalescer(flush).submit('a');
    await nextTurn();
    expect(flush.groups).toEqual([['a']]);
    flush.complete();
    await expect(result).resolves.toBe('done:a');
  });

  it('groups what is submitted in the same turn, in arrival order, and resolves each submitter with its own result', async () => {
    const flush = new ManualFlush();
    const subject = coalescer(flush);
    const results = ['p0', 'p1', 'p2'].map((item) => subject.submit(item));
    await nextTurn();
    expect(flush.groups).toEqual([['p0', 'p1', 'p2']]);
    flush.complete();
    await expect(Promise.all(results)).resolves.toEqual(['done:p0', 'done:p1', 'done:p2']);
  });

  it('while every slot is busy, queues what arrives and applies it together as soon as a slot frees', async () => {
    const flush = new ManualFlush();
    const subject = coalescer(flush, { concurrency: 1 });
    const first = subject.submit('a1');
    await nextTurn();
    const later = [subject.submit('b1'), subject.submit('c1')];
    await nextTurn();
    const latest = subject.submit('d1');
    await nextTurn();
    expect(flush.groups).toEqual([['a1']]);
    expect(subject.pending).toEqual({ inFlight: 1, queued: 3 });
    flush.complete();
    await first;
    expect(flush.groups).toEqual([['a1'], ['b1', 'c1', 'd1']]);
    flush.complete();
    await expect(Promise.all([...later, latest])).resolves.toEqual(['done:b1', 'done:c1', 'done:d1']);
    expect(subject.pending).toEqual({ inFlight: 0, queued: 0 });
  });

  it('keeps a submitter that awaits each item before the next in order, whatever it is grouped with', async () => {
    const flush = new ManualFlush();
    const subject = coalescer(flush, { concurrency: 2 });
    const applied: string[] = [];
    const partition = async (name: string, chunks: number) => {
      for (let i = 0; i < chunks; i++) applied.push(await subject.submit(`${name}-${i}`));
    };
    const running = Promise.all([partition('x', 3), partition('y', 3)]);
    for (let round = 0; round < 10 && applied.length < 6; round++) {
      await nextTurn();
      while (flush.open > 0) flush.complete();
      await nextTurn();
    }
    await running;
    expect(applied.filter((r) => r.startsWith('done:x'))).toEqual(['done:x-0', 'done:x-1', 'done:x-2']);
    expect(applied.filter((r) => r.startsWith('done:y'))).toEqual(['done:y-0', 'done:y-1', 'done:y-2']);
    for (const group of flush.groups) expect(new Set(group.map((item) => item[0])).size).toBe(group.length);
  });

  it('runs up to `concurrency` groups at once', async () => {
    const flush = new ManualFlush();
    const subject = coalescer(flush, { concurrency: 2 });
    void subject.submit('a');
    await nextTurn();
    void subject.submit('b');
    await nextTurn();
    void subject.submit('c');
    await nextTurn();
    expect(flush.groups).toEqual([['a'], ['b']]);
    expect(subject.pending).toEqual({ inFlight: 2, queued: 1 });
  });

  it('caps a group at the weight, taking queued items in order; an item over the cap goes alone', async () => {
    const flush = new ManualFlush();
    const weight = (item: string) => Number(item.split(':')[1]);
    const subject = coalescer(flush, { maxWeight: 10, weight });
    const results = ['a:4', 'b:5', 'c:3', 'd:25', 'e:1'].map((item) => subject.submit(item));
    for (let group = 0; group < 4; group++) {
      await nextTurn();
      flush.complete();
    }
    await Promise.all(results);
    expect(flush.groups).toEqual([['a:4', 'b:5'], ['c:3'], ['d:25'], ['e:1']]);
  });

  it('rejects every submitter of a group whose flush throws, and goes on with the next group', async () => {
    const flush = new ManualFlush();
    const subject = coalescer(flush);
    const failed = [subject.submit('a'), subject.submit('b')];
    await nextTurn();
    const next = subject.submit('c');
    flush.fail(new Error('broken'));
    await expect(Promise.all(failed.map((p) => p.catch((error: Error) => error.message)))).resolves.toEqual(['broken', 'broken']);
    await nextTurn();
    expect(flush.groups).toEqual([['a', 'b'], ['c']]);
    flush.complete();
    await expect(next).resolves.toBe('done:c');
  });

  it('rejects a flush that gives a result count other than the group size', async () => {
    const subject = new TransactionCoalescer<string, string>({
      flush: async () => ['only one'],
      weight: () => 1,
      maxWeight: 10,
      concurrency: 1,
    });
    const results = [subject.submit('a'), subject.submit('b')];
    await expect(results[0]).rejects.toThrow(/1 results for 2 items/);
    await expect(results[1]).rejects.toThrow(/1 results for 2 items/);
  });

  it.each([0, -1, 1.5])('refuses a concurrency of %p', (concurrency) => {
    expect(() => coalescer(new ManualFlush(), { concurrency })).toThrow(RangeError);
  });
});
