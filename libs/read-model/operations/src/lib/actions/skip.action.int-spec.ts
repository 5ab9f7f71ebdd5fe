import { accountSnapshot, AccountHistory, historyVersions } from '@ledger/testing';
import { skip } from './skip.action';
import { deadLettersOf, heldOffsets, projectionSuite, parkedRow, parkedRowOf, poisonFor } from '@ledger/read-model-projection/testing';
import { actionsOn, operatorContext } from '../testing/operations.fixture';

describe('skip against PostgreSQL', () => {
  const env = projectionSuite({ poolSize: 4, refusals: true });

  const status = async (id: string) =>
    (await env.pool.query(`SELECT status, resolved_at FROM read_model.dead_letters WHERE id = $1`, [id])).rows[0];

  it('given a dead letter that names no account, then it is marked skipped and a second skip is a no-op', async () => {
    await env.projector.deliver([poisonFor(null)]);
    const { rows } = await env.pool.query(`SELECT max(id)::text AS id FROM read_model.dead_letters WHERE account_id IS NULL`);
    const id: string = rows[0].id;

    expect(await skip(operatorContext(env.pool), id)).toEqual({ kind: 'skipped', deadLetterId: id, accountId: null });
    expect(await status(id)).toMatchObject({ status: 'skipped', resolved_at: expect.any(Date) });
    expect(await skip(operatorContext(env.pool), id)).toEqual({ kind: 'not-open', deadLetterId: id, status: 'skipped' });
    expect((await actionsOn(env.pool, id)).map((a) => [a.action, a.outcome])).toEqual([
      ['skip', 'skipped'],
      ['skip', 'not-open'],
    ]);
  });

  it('given the poison that parks an account, then skipping it unparks the account and applies the held events in order', async () => {
    const history = new AccountHistory({ deposits: 3 });
    await env.projector.deliver([...history.messages([1, 2]), poisonFor(history.accountId), ...history.messages([3, 4])]);
    const parked = await parkedRowOf(env.pool, history.accountId);

    const outcome = await skip(operatorContext(env.pool), parked.dead_letter_id);

    expect(outcome).toEqual({
      kind: 'unparked',
      deadLetterId: parked.dead_letter_id,
      accountId: history.accountId,
      applied: 2,
      duplicates: 0,
      held: 0,
      version: 4,
      parkedBehind: null,
    });
    expect(await accountSnapshot(env.pool, history.accountId)).toMatchObject({ version: 4, balance: String(history.balanceAt(4)) });
    expect(await historyVersions(env.pool, history.accountId)).toEqual([1, 2, 3, 4]);
    expect(await parkedRow(env.pool, history.accountId)).toBeUndefined();
    expect(await heldOffsets(env.pool, history.accountId)).toEqual([]);
    expect(await deadLettersOf(env.pool, history.accountId)).toEqual([expect.objectContaining({ status: 'skipped' })]);
    expect(await actionsOn(env.pool, parked.dead_letter_id)).toEqual([expect.objectContaining({ action: 'skip', outcome: 'unparked' })]);
    expect(await env.projector.deliver(history.messages([4]))).toMatchObject({ duplicates: 1, held: 0 });
  });

  it('given a real event skipped, then the next held event is a gap and parks the account again behind it', async () => {
    const history = new AccountHistory({ deposits: 4 });
    await env.projector.deliver(history.messages([1, 2]));
    await env.pool.query(`INSERT INTO public.refused_accounts VALUES ($1)`, [history.accountId]);
    await env.projector.deliver(history.messages([3, 4, 5]));
    await env.pool.query(`DELETE FROM public.refused_accounts WHERE account_id = $1`, [history.accountId]);
    const skipped = (await parkedRowOf(env.pool, history.accountId)).dead_letter_id;

    const outcome = await skip(operatorContext(env.pool), skipped);

    expect(outcome).toMatchObject({ kind: 're-parked', applied: 0, held: 1, version: 2 });
    const parked = await parkedRowOf(env.pool, history.accountId);
    expect(parked.dead_letter_id).not.toBe(skipped);
    expect(parked.reason).toBe('version gap: expected version 3, got 4');
    expect(await heldOffsets(env.pool, history.accountId)).toHaveLength(1);
    expect((await deadLettersOf(env.pool, history.accountId)).map((d) => [d.version, d.status])).toEqual([
      [3, 'skipped'],
      [4, 'open'],
    ]);
  });

  it('given a dead letter of an account parked behind another one, then only the dead letter is marked', async () => {
    const history = new AccountHistory({ deposits: 3 });
    await env.projector.deliver([...history.messages([1]), poisonFor(history.accountId)]);
    const first = (await parkedRowOf(env.pool, history.accountId)).dead_letter_id;
    // The account was unparked meanwhile (by another skip): a later poison parks it behind a new dead letter.
    await skip(operatorContext(env.pool), first);
    await env.pool.query(`UPDATE read_model.dead_letters SET status = 'open' WHERE id = $1`, [first]);
    await env.projector.deliver([poisonFor(history.accountId), ...history.messages([2])]);
    const second = (await parkedRowOf(env.pool, history.accountId)).dead_letter_id;

    expect(await skip(operatorContext(env.pool), first)).toEqual({ kind: 'skipped', deadLetterId: first, accountId: history.accountId });

    expect(await parkedRow(env.pool, history.accountId)).toMatchObject({ dead_letter_id: second });
    expect(await heldOffsets(env.pool, history.accountId)).toHaveLength(1);
  });

  it('given an id no dead letter has, then the no-op is logged', async () => {
    expect(await skip(operatorContext(env.pool), '987654321')).toEqual({ kind: 'not-found', deadLetterId: '987654321' });
    expect(await actionsOn(env.pool, '987654321')).toEqual([expect.objectContaining({ action: 'skip', outcome: 'not-found' })]);
  });

  it.each([['0'], ['-1'], ['1.5'], ['abc'], ['01'], ['9223372036854775808'], ['1; DELETE FROM read_model.dead_letters']])(
    'given dead letter id %j, then it throws and logs nothing',
    async (id) => {
      await expect(skip(operatorContext(env.pool), id)).rejects.toThrow(RangeError);
      expect(await actionsOn(env.pool, id)).toEqual([]);
    },
  );
});
