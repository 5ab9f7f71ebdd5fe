import { whenAborted } from './when-aborted';

describe('whenAborted', () => {
  it('given a signal aborted before the call, when awaited, then it resolves', async () => {
    const controller = new AbortController();
    controller.abort();

    await expect(whenAborted(controller.signal)).resolves.toBeUndefined();
  });

  it('given a signal aborted later, when awaited, then it resolves only after the abort', async () => {
    const controller = new AbortController();
    let resolved = false;
    const waiting = whenAborted(controller.signal).then(() => {
      resolved = true;
    });
    await Promise.resolve();
    expect(resolved).toBe(false);

    controller.abort();
    await waiting;

    expect(resolved).toBe(true);
  });
});
