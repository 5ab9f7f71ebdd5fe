import { mintToken } from '@ledger/testing';
import { randomUUID } from 'node:crypto';
import { eventually, queryAppSuite, type Reply } from '../testing/query-app.harness';
import { announceTransfer, SeededAccount, seedTransfer, seedTransferLeg, seedTransferState } from '../testing/transfer-ledger.fixture';

const ALICE = 'transfer-alice';
const BOB = 'transfer-bob';
const PROBLEMS = 'https://ledger.example.com/problems/';
const WAITERS = 'ledger_query_read_your_writes_waiters';
const WAITED = 'ledger_query_transfer_wait_seconds_count';
const at = (minute: number) => `2026-03-01T12:${String(minute).padStart(2, '0')}:00.000Z`;

/** A problem with the transfer id taken out: what must not tell someone else's transfer from a missing one. */
const shapeOf = (reply: Reply, transferId: string) => ({
  status: reply.status,
  contentType: reply.headers['content-type'],
  body: reply.text.replaceAll(transferId, '<id>'),
});

describe('GET /transfers/{id}', () => {
  const query = queryAppSuite();
  const tokens = { alice: '', bob: '', carol: '', operator: '' };
  let alices: SeededAccount;
  let bobs: SeededAccount;
  let completed: string;

  const read = (who: keyof typeof tokens, path: string) => query.as(tokens[who]).get(path);

  /** A hold of 100 from Alice to Bob: pending (HoldPlaced in), then posted for 60 with its legs as given. */
  async function halfPostedHold(postedLegs: readonly ('HoldPosted' | 'TransferCredited')[]): Promise<string> {
    const hold = await seedTransfer(query.pool, {
      from: alices.accountId,
      to: bobs.accountId,
      amount: 100n,
      createdAt: at(1),
      expiresAt: at(59),
    });
    await seedTransferState(query.pool, hold, { version: 1, status: 'pending', postedAmount: 0n, at: at(1) });
    await seedTransferLeg(query.pool, hold, 'HoldPlaced', alices.accountId, 2);
    await seedTransferState(query.pool, hold, { version: 2, status: 'posted', postedAmount: 60n, at: at(2) });
    for (const leg of postedLegs) await seedTransferLeg(query.pool, hold, leg, leg === 'HoldPosted' ? alices.accountId : bobs.accountId, 3);
    return hold;
  }

  /** Starts the request and resolves once the app counts it as waiting (the reply wrapped, or awaiting this would await it). */
  async function waitingRead(who: keyof typeof tokens, path: string): Promise<{ reply: Promise<Reply> }> {
    const before = await query.metric(WAITERS);
    const reply = read(who, path);
    await eventually(async () => (await query.metric(WAITERS)) > before, 10_000, 'the read to wait');
    return { reply };
  }

  beforeAll(async () => {
    [tokens.alice, tokens.bob, tokens.carol, tokens.operator] = await Promise.all([
      mintToken({ sub: ALICE, scope: 'ledger:read' }),
      mintToken({ sub: BOB, scope: 'ledger:read' }),
      mintToken({ sub: 'transfer-carol', scope: 'ledger:read' }),
      mintToken({ sub: 'transfer-operator', scope: 'ledger:read ledger:operate' }),
    ]);
    alices = await SeededAccount.open(query.pool, { ownerId: ALICE, at: at(0), deposit: 1_000n });
    bobs = await SeededAccount.open(query.pool, { ownerId: BOB, at: at(0), deposit: 0n });
    completed = await seedTransfer(query.pool, {
      from: alices.accountId,
      to: bobs.accountId,
      amount: 250n,
      reference: 'Invoice 42',
      createdAt: at(3),
    });
    await seedTransferState(query.pool, completed, { version: 1, status: 'completed', postedAmount: 250n, at: at(3) });
    await seedTransferLeg(query.pool, completed, 'TransferDebited', alices.accountId, 2);
    await seedTransferLeg(query.pool, completed, 'TransferCredited', bobs.accountId, 2);
  }, 60_000);

  describe('who may read it', () => {
    it('given the owner of the source, then 200 with the transfer', async () => {
      const reply = await read('alice', `/transfers/${completed}`);
      expect(reply.status).toBe(200);
      expect(reply.body).toEqual({
        transferId: completed,
        status: 'completed',
        amount: 250,
        postedAmount: 250,
        currency: 'EUR',
        fromAccountId: alices.accountId,
        toAccountId: bobs.accountId,
        reference: 'Invoice 42',
        createdAt: at(3),
        updatedAt: at(3),
        expiresAt: null,
      });
    });

    it('given the owner of the destination or an operator, then the same 200; an upper-case id is the same transfer', async () => {
      const alice = await read('alice', `/transfers/${completed}`);
      for (const reply of [await read('bob', `/transfers/${completed}`), await read('operator', `/transfers/${completed.toUpperCase()}`)]) {
        expect(reply.status).toBe(200);
        expect(reply.body).toEqual(alice.body);
      }
    });

    it("given someone else's token, then 404 transfer-not-found, the same answer as a missing transfer's, waiting or not", async () => {
      const missing = randomUUID();
      for (const parameters of ['', '?waitMs=200']) {
        const foreign = await read('carol', `/transfers/${completed}${parameters}`);
        const absent = await read('carol', `/transfers/${missing}${parameters}`);
        expect(foreign.status).toBe(404);
        expect(foreign.body).toMatchObject({ type: `${PROBLEMS}transfer-not-found`, status: 404 });
        expect(shapeOf(foreign, completed)).toEqual(shapeOf(absent, missing));
      }
    });

    it('given no token, then 401', async () => {
      const reply = await query.get(`/transfers/${completed}`, { authorization: '' });
      expect(reply.status).toBe(401);
      expect(reply.body).toMatchObject({ type: `${PROBLEMS}unauthenticated` });
    });
  });

  describe('never half done', () => {
    it('given a hold posted whose HoldPosted leg is not in yet, then it shows as pending', async () => {
      const hold = await halfPostedHold(['TransferCredited']);
      const reply = await read('alice', `/transfers/${hold}`);
      expect(reply.status).toBe(200);
      expect(reply.body).toMatchObject({ status: 'pending', amount: 100, postedAmount: 0, updatedAt: at(1), expiresAt: at(59) });
    });

    it('given the missing leg applied, then it shows as posted', async () => {
      const hold = await halfPostedHold(['TransferCredited']);
      await seedTransferLeg(query.pool, hold, 'HoldPosted', alices.accountId, 3);
      expect((await read('bob', `/transfers/${hold}`)).body).toMatchObject({ status: 'posted', postedAmount: 60, updatedAt: at(2) });
    });

    it('given a transfer with no leg in, or only one of the two it needs, then 404 as if missing', async () => {
      const bare = await seedTransfer(query.pool, { from: alices.accountId, to: bobs.accountId, amount: 5n, createdAt: at(4) });
      await seedTransferState(query.pool, bare, { version: 1, status: 'completed', postedAmount: 5n, at: at(4) });
      const none = await read('operator', `/transfers/${bare}`);
      await seedTransferLeg(query.pool, bare, 'TransferDebited', alices.accountId, 4);
      const half = await read('operator', `/transfers/${bare}`);
      for (const reply of [none, half]) {
        expect(reply.status).toBe(404);
        expect(reply.body).toMatchObject({ type: `${PROBLEMS}transfer-not-found` });
      }
      await seedTransferLeg(query.pool, bare, 'TransferCredited', bobs.accountId, 4);
      expect((await read('operator', `/transfers/${bare}`)).body).toMatchObject({ status: 'completed', postedAmount: 5 });
    });
  });

  describe('?waitMs=', () => {
    it('given the missing leg applied during the wait, then it answers the posted state once NOTIFY announces it', async () => {
      const hold = await halfPostedHold(['TransferCredited']);
      const whole = await query.metric(WAITED, 'outcome="whole"');

      const { reply } = await waitingRead('alice', `/transfers/${hold}?waitMs=10000`);
      await seedTransferLeg(query.pool, hold, 'HoldPosted', alices.accountId, 3);
      await announceTransfer(query.pool, hold);

      const answered = await reply;
      expect(answered.status).toBe(200);
      expect(answered.body).toMatchObject({ transferId: hold, status: 'posted', postedAmount: 60 });
      expect(await query.metric(WAITED, 'outcome="whole"')).toBe(whole + 1);
    });

    it('given a transfer the read model has not seen, then it waits for its own stream, and answers once it is whole', async () => {
      const transferId = randomUUID();
      const { reply } = await waitingRead('bob', `/transfers/${transferId}?waitMs=10000`);
      await seedTransfer(query.pool, { transferId, from: alices.accountId, to: bobs.accountId, amount: 7n, createdAt: at(5) });
      await seedTransferLeg(query.pool, transferId, 'TransferDebited', alices.accountId, 5);
      await seedTransferLeg(query.pool, transferId, 'TransferCredited', bobs.accountId, 5);
      await seedTransferState(query.pool, transferId, { version: 1, status: 'completed', postedAmount: 7n, at: at(5) });
      await announceTransfer(query.pool, transferId);

      const answered = await reply;
      expect(answered.status).toBe(200);
      expect(answered.body).toMatchObject({ transferId, status: 'completed', amount: 7 });
    });

    it('given the leg still missing when the wait runs out, then the latest whole state (pending)', async () => {
      const hold = await halfPostedHold(['TransferCredited']);
      const timeouts = await query.metric(WAITED, 'outcome="timeout"');
      const reply = await read('alice', `/transfers/${hold}?waitMs=300`);
      expect(reply.status).toBe(200);
      expect(reply.body).toMatchObject({ status: 'pending' });
      expect(await query.metric(WAITED, 'outcome="timeout"')).toBe(timeouts + 1);
    });

    it('given the latest state whole already, then it answers at once, without waiting', async () => {
      const waited = (await query.metric(WAITED, 'outcome="whole"')) + (await query.metric(WAITED, 'outcome="timeout"'));
      const reply = await read('alice', `/transfers/${completed}?waitMs=10000`);
      expect(reply.body).toMatchObject({ status: 'completed' });
      expect((await query.metric(WAITED, 'outcome="whole"')) + (await query.metric(WAITED, 'outcome="timeout"'))).toBe(waited);
    });

    it('given an unknown transfer that never comes, then 404 after the wait', async () => {
      const reply = await read('alice', `/transfers/${randomUUID()}?waitMs=200`);
      expect(reply.status).toBe(404);
      expect(reply.body).toMatchObject({ type: `${PROBLEMS}transfer-not-found` });
    });
  });

  it.each([
    ['a malformed id', '/transfers/not-a-uuid', 'invalid-transfer-id'],
    ['SQL in the id', `/transfers/${encodeURIComponent("1' OR '1'='1")}`, 'invalid-transfer-id'],
    ['a transfer stream id', `/transfers/transfer-${randomUUID()}`, 'invalid-transfer-id'],
    ['waitMs beyond 10000', `/transfers/${randomUUID()}?waitMs=10001`, 'validation'],
    ['huge waitMs', `/transfers/${randomUUID()}?waitMs=${'9'.repeat(20)}`, 'validation'],
    ['negative waitMs', `/transfers/${randomUUID()}?waitMs=-1`, 'validation'],
    ['fractional waitMs', `/transfers/${randomUUID()}?waitMs=0.5`, 'validation'],
    ['string waitMs', `/transfers/${randomUUID()}?waitMs=forever`, 'validation'],
    ['waitMs twice', `/transfers/${randomUUID()}?waitMs=1&waitMs=2`, 'validation'],
    ['minVersion (accounts only)', `/transfers/${randomUUID()}?minVersion=1`, 'validation'],
    ['an unknown parameter', `/transfers/${randomUUID()}?expand=legs`, 'validation'],
  ])('given %s, then 400 %s, and nothing changes', async (_label, path, type) => {
    const count = async () =>
      JSON.stringify(
        (
          await query.pool.query(
            'SELECT (SELECT count(*) FROM read_model.transfers) AS t, (SELECT count(*) FROM read_model.transfer_legs) AS l',
          )
        ).rows,
      );
    const before = await count();
    const reply = await query.get(path);
    expect({ status: reply.status, type: reply.body?.type }).toEqual({ status: 400, type: `${PROBLEMS}${type}` });
    expect(reply.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(await count()).toBe(before);
  });
});
