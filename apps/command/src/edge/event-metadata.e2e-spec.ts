import { randomUUID } from 'node:crypto';
import { commandAppSuite } from '../testing/command-app.harness';

const ANY_ACTOR = { sub: expect.any(String), clientId: expect.anything() };

/** Each event names what caused it: the command's Idempotency-Key, else the request's correlation id. */
describe('event metadata from the edge', () => {
  const app = commandAppSuite();

  async function metadataOf(accountId: string): Promise<Record<string, unknown>[]> {
    const { rows } = await app.db.query<{ metadata: Record<string, unknown> }>(
      'SELECT metadata FROM event_store.events WHERE stream_id = $1 ORDER BY version',
      [accountId],
    );
    return rows.map((r) => r.metadata);
  }

  it('given an Idempotency-Key, when a command is appended, then its events are caused by that key, and a replay adds nothing', async () => {
    const accountId = randomUUID();
    const headers = { 'Idempotency-Key': `open-${accountId}`, 'X-Correlation-Id': 'checkout-42' };

    const first = await app.post('/accounts', { owner: 'Cause', currency: 'EUR', accountId }, headers);
    const again = await app.post(
      '/accounts',
      { owner: 'Cause', currency: 'EUR', accountId },
      { ...headers, 'X-Correlation-Id': 'retry-43' },
    );

    expect(first.status).toBe(201);
    expect(again.status).toBe(201);
    expect(again.headers.get('idempotent-replayed')).toBe('true');
    // The actor is whoever the harness's token names (account-ownership.e2e-spec checks it exactly).
    expect(await metadataOf(accountId)).toEqual([{ correlationId: 'checkout-42', causationId: `open-${accountId}`, actor: ANY_ACTOR }]);
  });

  it('given no Idempotency-Key, when commands are appended, then each is caused by its own request: the correlation id it was answered with', async () => {
    const accountId = randomUUID();
    const opened = await app.post(
      '/accounts',
      { owner: 'Cause', currency: 'EUR', initialDeposit: 5, accountId },
      { 'X-Correlation-Id': 'corr-1' },
    );
    const deposited = await app.post(`/accounts/${accountId}/deposits`, { amount: 1 });
    const traceparent = '00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01';
    const withdrawn = await app.post(`/accounts/${accountId}/withdrawals`, { amount: 1 }, { 'X-Correlation-Id': 'corr-3', traceparent });

    expect([opened.status, deposited.status, withdrawn.status]).toEqual([201, 201, 201]);
    const generated = deposited.headers.get('x-correlation-id');
    expect(generated).toMatch(/^[0-9a-f-]{36}$/);
    const metadata = await metadataOf(accountId);
    expect(metadata.map((m) => [m['correlationId'], m['causationId']])).toEqual([
      ['corr-1', 'corr-1'],
      [generated, generated],
      ['corr-3', 'corr-3'],
    ]);
    expect(new Set(metadata.map((m) => m['causationId'])).size).toBe(3);
  });
});
