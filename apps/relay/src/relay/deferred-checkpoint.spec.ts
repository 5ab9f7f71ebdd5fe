import type { CommitPosition } from '@ledger/event-store';
import { DeferredCheckpoint } from './deferred-checkpoint';

/** Lets every promise callback queued so far run. */
const settledMicrotasks = () => new Promise<void>((resolve) => setImmediate(resolve));

const at = (n: number): CommitPosition => ({ transactionId: String(1000 + n), globalPosition: String(n) });

/** A save the test completes or fails by hand, and a clock it moves. */
function harness(intervalMs: number) {
  const saves: { position: CommitPosition; done: () => void; fail: (error: Error) => void }[] = [];
  let now = 0;
  const checkpoint = new DeferredCheckpoint(
    (position) =>
      new Promise<void>((resolve, reject) => {
        saves.push({ position, done: resolve, fail: reject });
      }),
    intervalMs,
    () => now,
  );
  return {
    checkpoint,
    saves,
    saved: () => saves.map((s) => s.position.globalPosition),
    tick: (ms: number) => {
      now += ms;
    },
  };
}

describe('DeferredCheckpoint', () => {
  it('given a first acknowledgement, when advanced, then it is saved at once', () => {
    const { checkpoint, saved } = harness(100);

    checkpoint.advance(at(1));

    expect(saved()).toEqual(['1']);
    expect(checkpoint.dueInMs()).toBeNull();
  });

  it('given acknowledgements within the interval, when advanced, then only the last is saved, once the interval has passed', async () => {
    const { checkpoint, saves, saved, tick } = harness(100);
    checkpoint.advance(at(1));
    saves[0]?.done();
    await checkpoint.saveIfDue();

    tick(30);
    checkpoint.advance(at(2));
    checkpoint.advance(at(3));
    expect(saved()).toEqual(['1']);
    expect(checkpoint.dueInMs()).toBe(70);

    tick(70);
    const saving = checkpoint.saveIfDue();
    await settledMicrotasks();
    saves[1]?.done();
    await saving;

    expect(saved()).toEqual(['1', '3']);
    expect(checkpoint.dueInMs()).toBeNull();
  });

  it('given a save running, when the next acknowledgement is due, then it waits for that save rather than running beside it', async () => {
    const { checkpoint, saves, saved, tick } = harness(0);
    checkpoint.advance(at(1));
    tick(5);
    checkpoint.advance(at(2));
    expect(saved()).toEqual(['1']);

    const saving = checkpoint.saveIfDue();
    saves[0]?.done();
    await settledMicrotasks();
    expect(saved()).toEqual(['1', '2']);
    saves[1]?.done();
    await saving;

    expect(saved()).toEqual(['1', '2']);
  });

  it('given a failed save, when the run goes on, then the next advance and saveIfDue throw its error', async () => {
    const { checkpoint, saves } = harness(100);
    checkpoint.advance(at(1));
    saves[0]?.fail(new Error('connection lost'));
    await checkpoint.settle();

    expect(() => checkpoint.advance(at(2))).toThrow('connection lost');
    await expect(checkpoint.saveIfDue()).rejects.toThrow('connection lost');
  });

  it('given a save running, when settled, then it resolves only after that save ended, whatever its outcome', async () => {
    const { checkpoint, saves } = harness(100);
    checkpoint.advance(at(1));
    let settled = false;
    const settling = checkpoint.settle().then(() => {
      settled = true;
    });
    await settledMicrotasks();
    expect(settled).toBe(false);

    saves[0]?.fail(new Error('boom'));
    await settling;

    expect(settled).toBe(true);
  });
});
