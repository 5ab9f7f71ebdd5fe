/** A key's queue: the promise its next task waits for, and how many tasks it holds (running and waiting). */
interface KeyQueue {
  tail: Promise<unknown>;
  tasks: number;
}

/**
 * Runs tasks for the same key one after another, tasks for different keys concurrently. Commands on
 * one account within this replica queue up instead of racing to the database and retrying: under
 * contention every attempt succeeds first time. Optimistic concurrency still guards across replicas.
 * At most `maxWaiting` tasks wait behind a key's running one: a hot account sheds load at once instead
 * of holding ever more requests (and their memory) for ever longer.
 */
export class KeyedSerialQueue {
  private readonly queues = new Map<string, KeyQueue>();

  constructor(private readonly maxWaiting = Number.POSITIVE_INFINITY) {}

  /** The task's result, or `null` (and the task never runs) when `maxWaiting` tasks wait on the key already. */
  tryRun<T>(key: string, task: () => Promise<T>): Promise<T> | null {
    const queue = this.queues.get(key) ?? { tail: Promise.resolve(), tasks: 0 };
    if (queue.tasks > this.maxWaiting) return null;
    const result = queue.tail.then(task, task);
    const tail = result.then(
      () => undefined,
      () => undefined,
    );
    queue.tail = tail;
    queue.tasks += 1;
    this.queues.set(key, queue);
    void tail.then(() => {
      queue.tasks -= 1;
      if (queue.tasks === 0 && this.queues.get(key) === queue) this.queues.delete(key);
    });
    return result;
  }

  /** Tasks on `key` not finished yet: the running one and those waiting behind it. */
  tasksOn(key: string): number {
    return this.queues.get(key)?.tasks ?? 0;
  }

  get size(): number {
    return this.queues.size;
  }
}
