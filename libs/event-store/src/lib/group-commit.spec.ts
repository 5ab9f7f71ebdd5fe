import { BatchEntry, GroupCommitter } from './group-commit';

interface Item {
  readonly id: string;
  readonly keys: string[];
}

/** A runner whose batches finish when the test says so; each item's result is its id. */
function controlledRunner() {
  const batches: string[][] = [];
  const finishers: Array<() => void> = [];
  const run = (entries: readonly BatchEntry<Item, string>[]) => {
    batches.push(entries.map((e) => e.item.id));
    return new Promise<void>((resolve) => {
      finishers.push(() => {
        for (const entry of entries) entry.resolve(entry.item.id);
        resolve();
      });
    });
  };
  const finishNext = async (): Promise<void> => {
    const finish = finishers.shift();
    if (finish === undefined) throw new Error('no batch in flight');
    finish();
    await turn();
  };
  return { batches, run, finishNext, inFlight: () => finishers.length };
}

/** Lets the committer's deferred start (setImmediate) and settled promises run. */
const turn = () => new Promise<void>((resolve) => setImmediate(() => setImmediate(resolve)));

function submitAll(committer: GroupCommitter<Item, string>, items: Item[]): Array<Promise<string>> {
  return items.map((item) => committer.submit(item, item.keys));
}

const item = (id: string, ...keys: string[]): Item => ({ id, keys: keys.length > 0 ? keys : [id] });

describe('GroupCommitter', () => {
  it('runs what arrives in one turn as one batch, and what arrives meanwhile as the next', async () => {
    const runner = controlledRunner();
    const committer = new GroupCommitter(runner.run, { maxBatchesInFlight: 1 });

    const first = submitAll(committer, [item('a'), item('b'), item('c')]);
    await turn();
    const second = submitAll(committer, [item('d'), item('e')]);
    await turn();

    expect(runner.batches).toEqual([['a', 'b', 'c']]);
    await runner.finishNext();
    expect(await Promise.all(first)).toEqual(['a', 'b', 'c']);
    expect(runner.batches).toEqual([
      ['a', 'b', 'c'],
      ['d', 'e'],
    ]);
    await runner.finishNext();
    expect(await Promise.all(second)).toEqual(['d', 'e']);
    expect(committer.stats()).toEqual({ batches: 2, items: 5, largestBatch: 3 });
  });

  it('keeps items that share a key out of one batch, in arrival order', async () => {
    const runner = controlledRunner();
    const committer = new GroupCommitter(runner.run, { maxBatchesInFlight: 1 });

    const results = submitAll(committer, [item('a1', 's:a'), item('b1', 's:b'), item('a2', 's:a'), item('a3', 's:a', 'k:x')]);
    await turn();
    await runner.finishNext();
    await runner.finishNext();
    await runner.finishNext();

    expect(runner.batches).toEqual([['a1', 'b1'], ['a2'], ['a3']]);
    expect(await Promise.all(results)).toEqual(['a1', 'b1', 'a2', 'a3']);
  });

  it('never runs one key in two batches at once, and never lets a later item of a key overtake', async () => {
    const runner = controlledRunner();
    const committer = new GroupCommitter(runner.run, { maxBatchesInFlight: 3 });

    submitAll(committer, [item('a1', 's:a', 'k:1')]);
    await turn();
    submitAll(committer, [item('b1', 's:b', 'k:1'), item('c1', 's:c'), item('b2', 's:b')]);
    await turn();

    // b1 shares key k:1 with the running a1, and b2 must not pass b1.
    expect(runner.batches).toEqual([['a1'], ['c1']]);
    await runner.finishNext();
    expect(runner.batches).toEqual([['a1'], ['c1'], ['b1']]);
  });

  it('runs up to maxBatchesInFlight batches at once, each at most maxBatchSize items', async () => {
    const runner = controlledRunner();
    const committer = new GroupCommitter(runner.run, { maxBatchesInFlight: 2, maxBatchSize: 2 });

    submitAll(
      committer,
      ['a', 'b', 'c', 'd', 'e'].map((id) => item(id)),
    );
    await turn();

    expect(runner.batches).toEqual([
      ['a', 'b'],
      ['c', 'd'],
    ]);
    expect(runner.inFlight()).toBe(2);
    await runner.finishNext();
    expect(runner.batches[2]).toEqual(['e']);
  });

  it('shares what waits evenly among the free slots, so batches in flight run side by side', async () => {
    const runner = controlledRunner();
    const committer = new GroupCommitter(runner.run, { maxBatchesInFlight: 2 });

    submitAll(
      committer,
      ['a', 'b', 'c', 'd', 'e'].map((id) => item(id)),
    );
    await turn();

    expect(runner.batches).toEqual([
      ['a', 'b', 'c'],
      ['d', 'e'],
    ]);
  });

  it('rejects the items of a failing batch, and items the runner left unsettled, without stopping', async () => {
    let call = 0;
    const committer = new GroupCommitter<Item, string>(
      async (entries) => {
        call += 1;
        if (call === 1) throw new Error('batch broke');
        entries[0]?.resolve('only the first');
      },
      { maxBatchesInFlight: 1 },
    );

    const failed = committer.submit(item('a'), ['a']);
    await expect(failed).rejects.toThrow('batch broke');
    const [first, second] = submitAll(committer, [item('b'), item('c')]);

    expect(await first).toBe('only the first');
    await expect(second).rejects.toThrow(/without a result/);
    expect(await committer.submit(item('d'), ['d'])).toBe('only the first');
  });

  it.each([0, -1, 1.5, Number.NaN])('refuses %p as a limit', (limit) => {
    expect(() => new GroupCommitter(async () => undefined, { maxBatchesInFlight: limit })).toThrow(/maxBatchesInFlight/);
    expect(() => new GroupCommitter(async () => undefined, { maxBatchSize: limit })).toThrow(/maxBatchSize/);
  });
});
