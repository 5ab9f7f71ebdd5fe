import { randomUUID } from 'node:crypto';
import { commandAppSuite, countEvents } from '../testing/command-app.harness';

/** A response as the client received it: status, the headers a client reads, and the body's bytes. */
interface RawAnswer {
  readonly status: number;
  readonly contentType: string | null;
  readonly etag: string | null;
  readonly replayed: string | null;
  readonly body: string;
}

describe('an Idempotency-Key answers every retry as the first request was answered', () => {
  const app = commandAppSuite();

  async function send(path: string, body: unknown, key: string): Promise<RawAnswer> {
    const response = await fetch(`${app.baseUrl}${path}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: app.authorization, 'idempotency-key': key },
      body: JSON.stringify(body),
    });
    return {
      status: response.status,
      contentType: response.headers.get('content-type'),
      etag: response.headers.get('etag'),
      replayed: response.headers.get('idempotent-replayed'),
      body: await response.text(),
    };
  }

  async function open(initialDeposit: number): Promise<string> {
    const accountId = randomUUID();
    expect((await app.post('/accounts', { owner: 'Replay', currency: 'EUR', initialDeposit, accountId })).status).toBe(201);
    return accountId;
  }

  async function balanceOf(accountId: string): Promise<string | undefined> {
    const { rows } = await app.db.query<{ balance: string }>(
      `SELECT data->>'balanceAfter' AS balance FROM event_store.events WHERE stream_id = $1 ORDER BY version DESC LIMIT 1`,
      [accountId],
    );
    return rows[0]?.balance;
  }

  it('replays an accepted deposit byte for byte: status, ETag, content type and body', async () => {
    const accountId = await open(0);
    const key = randomUUID();

    const first = await send(`/accounts/${accountId}/deposits`, { amount: 250 }, key);
    const retried = await send(`/accounts/${accountId}/deposits`, { amount: 250 }, key);

    expect(first.status).toBe(201);
    expect(first.replayed).toBeNull();
    expect(retried).toEqual({ ...first, replayed: 'true' });
    expect(await countEvents(app.db, accountId)).toBe(2);
  });

  it('given a withdrawal refused for insufficient funds with key K, when the account is funded and the withdrawal retried with K, then the same 409 answers again and no money moves', async () => {
    const accountId = await open(0);
    const key = randomUUID();

    const refused = await send(`/accounts/${accountId}/withdrawals`, { amount: 100 }, key);
    expect(refused.status).toBe(409);
    expect(JSON.parse(refused.body)).toMatchObject({ type: expect.stringMatching(/insufficient-funds$/), balance: 0, requested: 100 });

    expect((await app.post(`/accounts/${accountId}/deposits`, { amount: 500 })).status).toBe(201);
    const retried = await send(`/accounts/${accountId}/withdrawals`, { amount: 100 }, key);

    expect(retried).toEqual({ ...refused, replayed: 'true' });
    expect(await balanceOf(accountId)).toBe('500');
    expect(await countEvents(app.db, accountId)).toBe(2);
  });

  it('refuses the key of a refused withdrawal with another body as reused, and moves no money', async () => {
    const accountId = await open(0);
    const key = randomUUID();
    expect((await send(`/accounts/${accountId}/withdrawals`, { amount: 100 }, key)).status).toBe(409);
    expect((await app.post(`/accounts/${accountId}/deposits`, { amount: 500 })).status).toBe(201);

    const other = await send(`/accounts/${accountId}/withdrawals`, { amount: 50 }, key);

    expect(other.status).toBe(422);
    expect(JSON.parse(other.body)).toMatchObject({ type: expect.stringMatching(/idempotency-key-reused$/) });
    expect(await balanceOf(accountId)).toBe('500');
  });
});
