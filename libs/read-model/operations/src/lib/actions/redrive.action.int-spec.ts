import { accountSnapshot, AccountHistory, historyVersions } from '@ledger/testing';
import { redrive } from './redrive.action';
import { deadLettersOf, heldOffsets, projectionSuite, parkedRow, parkedRowOf, poisonFor } from '@ledger/read-model-projection/testing';
import { actionsOn, operatorContext } from '../testing/operations.fixture';
import { sleep } from '@ledger/platform';

describe('redrive against PostgreSQL', () => {
  const env = projectionSuite({ poolSize: 8, refusals: true });

  const refuse = (accountId: string) => env.pool.query(`INSERT INTO public.refused_accounts VALUES ($1)`, [accountId]);
  const accept = (accountId: string) => env.pool.query(`DELETE FROM public.refused_accounts WHERE account_id = $1`, [accountId]);

  /** v1-v2 applied; v3 refused by the database (dead-lettered, parked); v4.. up to `heldUpTo` held. */
  async function parkedByRefusal(history: AccountHistory, heldUpTo: number): Promise<string> {
    await env.projector.deliver(history.messages([1, 2]));
    await refuse(history.accountId);
    const outcome = await env.projector.deliver(history.messages([3, 4]));
    expect(outcome).toMatchObject({ deadLettered: 1, parked: [history.accountId], held: 1 });
    for (let version = 5; version <= heldUpTo; version++) await env.projector.deliver(history.messages([version]));
    await accept(history.accountId);
    return (await parkedRowOf(env.pool, history.accountId)).dead_letter_id;
  }

  it('given an account parked behind a dead letter that now applies, then it and the held events apply in order and the account is unparked', async () => {
    const history = new AccountHistory({ deposits: 5 });
    const deadLetterId = await parkedByRefusal(history, 5);
    expect(await heldOffsets(env.pool, history.accountId)).toHaveLength(2);

    const outcome = await redrive(operatorContext(env.pool), history.accountId);

    expect(outcome).toEqual({
      kind: 'redriven',
      accountId: history.accountId,
      deadLetterId,
      applied: 3,
      duplicates: 0,
      held: 0,
      version: 5,
      parkedBehind: null,
    });
    expect(await accountSnapshot(env.pool, history.accountId)).toMatchObject({
      version: 5,
      balance: String(history.balanceAt(5)),
      transaction_count: 5,
    });
    expect(await historyVersions(env.pool, history.accountId)).toEqual([1, 2, 3, 4, 5]);
    expect(await parkedRow(env.pool, history.accountId)).toBeUndefined();
    expect(await heldOffsets(env.pool, history.accountId)).toEqual([]);
    expect(await deadLettersOf(env.pool, history.accountId)).toEqual([expect.objectContaining({ id: deadLetterId, status: 'redriven' })]);
    expect(await actionsOn(env.pool, history.accountId)).toEqual([
      expect.objectContaining({ action: 'redrive', outcome: 'redriven', performed_by: 'ops-test' }),
    ]);

    // The projector carries on from the re-driven version; a replay of what was re-driven is a duplicate.
    expect(await env.projector.deliver(history.messages([3, 4, 5, 6]))).toMatchObject({ applied: 1, duplicates: 3, held: 0 });
    expect(await accountSnapshot(env.pool, history.accountId)).toMatchObject({ version: 6 });
  });

  it('given an account parked at a gap whose history arrived after it (a recreated topic), then the redrive applies everything in version order', async () => {
    const history = new AccountHistory({ deposits: 5 });
    const early = await env.projector.deliver(history.messages([5, 6]));
    expect(early).toMatchObject({ deadLettered: 1, parked: [history.accountId], held: 1, gapsClosed: [] });
    const republished = await env.projector.deliver(history.messages([1, 2, 3, 4, 5, 6]));
    expect(republished).toMatchObject({ applied: 0, held: 6, gapsClosed: [history.accountId] });
    const { dead_letter_id: deadLetterId } = await parkedRowOf(env.pool, history.accountId);

    const outcome = await redrive(operatorContext(env.pool), history.accountId);

    expect(outcome).toEqual({
      kind: 'redriven',
      accountId: history.accountId,
      deadLetterId,
      applied: 6,
      duplicates: 2,
      held: 0,
      version: 6,
      parkedBehind: null,
    });
    expect(await accountSnapshot(env.pool, history.accountId)).toMatchObject({ version: 6, balance: String(history.balanceAt(6)) });
    expect(await historyVersions(env.pool, history.accountId)).toEqual([1, 2, 3, 4, 5, 6]);
    expect(await heldOffsets(env.pool, history.accountId)).toEqual([]);
  });

  it('given a second redrive, then it is a logged no-op', async () => {
    const history = new AccountHistory({ deposits: 3 });
    await parkedByRefusal(history, 4);
    await redrive(operatorContext(env.pool), history.accountId);
    const before = await accountSnapshot(env.pool, history.accountId);

    const again = await redrive(operatorContext(env.pool), history.accountId.toUpperCase());

    expect(again).toEqual({ kind: 'not-parked', accountId: history.accountId });
    expect(await accountSnapshot(env.pool, history.accountId)).toEqual(before);
    expect((await actionsOn(env.pool, history.accountId)).map((a) => a.outcome)).toEqual(['redriven', 'not-parked']);
  });

  it('given a dead letter that is still poison, then the account is parked again behind the same dead letter with nothing lost', async () => {
    const history = new AccountHistory({ deposits: 3 });
    await env.projector.deliver(history.messages([1, 2]));
    await env.projector.deliver([poisonFor(history.accountId), ...history.messages([3, 4])]);
    const parked = await parkedRowOf(env.pool, history.accountId);
    const held = await heldOffsets(env.pool, history.accountId);

    const outcome = await redrive(operatorContext(env.pool), history.accountId);

    expect(outcome).toMatchObject({
      kind: 're-parked',
      deadLetterId: parked.dead_letter_id,
      applied: 0,
      held: 2,
      version: 2,
      parkedBehind: { deadLetterId: parked.dead_letter_id },
    });
    expect(await heldOffsets(env.pool, history.accountId)).toEqual(held);
    expect(await deadLettersOf(env.pool, history.accountId)).toEqual([
      expect.objectContaining({ id: parked.dead_letter_id, status: 'open', attempts: 2 }),
    ]);
    expect(await accountSnapshot(env.pool, history.accountId)).toMatchObject({ version: 2 });
    expect(await actionsOn(env.pool, history.accountId)).toEqual([expect.objectContaining({ action: 'redrive', outcome: 're-parked' })]);
  });

  it('given a held message that is poison, then what precedes it applies and the account parks behind it with the rest held', async () => {
    const history = new AccountHistory({ deposits: 4 });
    const first = await parkedByRefusal(history, 4);
    await env.projector.deliver([poisonFor(history.accountId), ...history.messages([5])]);
    const [, poisonOffset, lastOffset] = await heldOffsets(env.pool, history.accountId);

    const outcome = await redrive(operatorContext(env.pool), history.accountId);

    expect(outcome).toMatchObject({ kind: 're-parked', deadLetterId: first, applied: 2, held: 1, version: 4 });
    const parked = await parkedRowOf(env.pool, history.accountId);
    expect(parked.dead_letter_id).not.toBe(first);
    expect(parked.reason).toMatch(/undecodable/);
    expect(await heldOffsets(env.pool, history.accountId)).toEqual([lastOffset]);
    const deadLetters = await deadLettersOf(env.pool, history.accountId);
    expect(deadLetters.map((d) => d.status)).toEqual(['redriven', 'open']);
    const { rows } = await env.pool.query(`SELECT "offset"::int FROM read_model.dead_letters WHERE id = $1`, [parked.dead_letter_id]);
    expect(rows[0].offset).toBe(poisonOffset);
  });

  it('given a redrive racing a projector batch for the same account, then the batch is never lost, whichever goes first', async () => {
    for (let round = 0; round < 25; round++) {
      const history = new AccountHistory({ deposits: 5 });
      await parkedByRefusal(history, 4);
      // Not a wait: varies which one goes first; the assertions below accept either order.
      const jitter = () => sleep(Math.random() * 4);
      const [redriven, batch] = await Promise.all([
        jitter().then(() => redrive(operatorContext(env.pool), history.accountId)),
        jitter().then(() => env.projector.deliver(history.messages([5, 6]))),
      ]);
      // Batch first: its events were held and re-driven (4 applied). Redrive first: the batch applied them.
      expect(redriven).toMatchObject({ kind: 'redriven', applied: batch.held === 2 ? 4 : 2 });
      expect(batch.applied + batch.held).toBe(2);
      expect(await accountSnapshot(env.pool, history.accountId)).toMatchObject({ version: 6, balance: String(history.balanceAt(6)) });
      expect(await historyVersions(env.pool, history.accountId)).toEqual([1, 2, 3, 4, 5, 6]);
      expect(await parkedRow(env.pool, history.accountId)).toBeUndefined();
      expect(await heldOffsets(env.pool, history.accountId)).toEqual([]);
      expect((await deadLettersOf(env.pool, history.accountId)).map((d) => d.status)).toEqual(['redriven']);
    }
  }, 120_000);

  it('given a redrive that parks the account again while a batch comes in, then the batch is held behind it, never dead-lettered', async () => {
    for (let round = 0; round < 15; round++) {
      const history = new AccountHistory({ deposits: 5 });
      await env.projector.deliver(history.messages([1, 2]));
      await env.projector.deliver([poisonFor(history.accountId), ...history.messages([3, 4])]);
      const [redriven] = await Promise.all([
        redrive(operatorContext(env.pool), history.accountId),
        env.projector.deliver(history.messages([5, 6])),
      ]);
      expect(redriven.kind).toBe('re-parked');
      const held = await heldOffsets(env.pool, history.accountId);
      expect(held).toHaveLength(4);
      expect(held).toEqual([...held].sort((a, b) => a - b));
      expect((await deadLettersOf(env.pool, history.accountId)).map((d) => d.status)).toEqual(['open']);
      expect(await accountSnapshot(env.pool, history.accountId)).toMatchObject({ version: 2 });
    }
  }, 120_000);

  it('given a database that still refuses the rows, then the redrive fails, changes nothing and is logged as failed', async () => {
    const history = new AccountHistory({ deposits: 3 });
    const deadLetterId = await parkedByRefusal(history, 4);
    await refuse(history.accountId);
    const held = await heldOffsets(env.pool, history.accountId);

    await expect(redrive(operatorContext(env.pool), history.accountId)).rejects.toThrow(/refused/);

    expect(await parkedRow(env.pool, history.accountId)).toMatchObject({ dead_letter_id: deadLetterId });
    expect(await heldOffsets(env.pool, history.accountId)).toEqual(held);
    expect(await deadLettersOf(env.pool, history.accountId)).toEqual([expect.objectContaining({ status: 'open', attempts: 5 })]);
    const actions = await actionsOn(env.pool, history.accountId);
    expect(actions).toEqual([expect.objectContaining({ action: 'redrive', outcome: 'failed' })]);
    expect(actions[0]?.detail['error']).toMatch(/refused/);
    await accept(history.accountId);
  });

  it.each([['not-a-uuid'], [''], ["x'; DROP TABLE read_model.accounts; --"]])(
    'given account id %j, then it throws and logs nothing',
    async (id) => {
      await expect(redrive(operatorContext(env.pool), id)).rejects.toThrow(RangeError);
      expect(await actionsOn(env.pool, id)).toEqual([]);
    },
  );
});
