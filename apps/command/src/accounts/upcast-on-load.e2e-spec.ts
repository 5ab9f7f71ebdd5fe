import { randomUUID } from 'node:crypto';
import { commandAppWithIssuerSuite, OPERATOR_SCOPES } from '../testing/command-app-with-issuer.suite';

/**
 * An account opened by an earlier release, whose AccountOpened event was stored in schema v1
 * (`ownerName`, no `initialDeposit`), still takes commands: the event is upcast when read. It has no
 * recorded owner (v1 and v2 had none), so only an operator reaches it.
 */
describe('events stored in an old schema', () => {
  const suite = commandAppWithIssuerSuite();

  it('given an account opened in schema v1, when an operator deposits, then the balance builds on the upcast event; anyone else gets 404', async () => {
    const accountId = randomUUID();
    await suite().app.db.query(
      `WITH s AS (
         INSERT INTO event_store.streams (stream_id, version, last_transaction_id) VALUES ($1, 1, pg_current_xact_id()) RETURNING stream_id)
       INSERT INTO event_store.events (stream_id, version, event_id, type, schema_version, data, metadata, occurred_at)
       SELECT stream_id, 1, $2, 'AccountOpened', 1, $3, '{"correlationId":"legacy","causationId":null}', '2020-01-02T03:04:05Z' FROM s`,
      [accountId, randomUUID(), JSON.stringify({ accountId, ownerName: 'Legacy Owner', currency: 'EUR', balance: '700' })],
    );

    const stranger = await (await suite().as('legacy-owner')).post(`/accounts/${accountId}/deposits`, { amount: 50 });
    const deposited = await (await suite().as('ops-grace', OPERATOR_SCOPES)).post(`/accounts/${accountId}/deposits`, { amount: 50 });

    expect(stranger.status).toBe(404);
    expect(deposited.status).toBe(201);
    expect(deposited.body).toMatchObject({ accountId, version: 2, balance: 750, status: 'ACTIVE' });
    const { rows } = await suite().app.db.query(
      'SELECT schema_version, data FROM event_store.events WHERE stream_id = $1 ORDER BY version',
      [accountId],
    );
    // Upcasting happens on read: the stored v1 event is left as it was written.
    expect(rows[0]).toMatchObject({ schema_version: 1, data: { ownerName: 'Legacy Owner' } });
  }, 30_000);
});
