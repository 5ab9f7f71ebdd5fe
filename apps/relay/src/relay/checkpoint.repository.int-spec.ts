import { Client } from 'pg';
import { ORIGIN } from './checkpoint';
import { CheckpointRepository } from './checkpoint.repository';
import { relayTestEnv, type RelayTestEnv } from '../testing/relay-test-env';

describe('checkpoint repository', () => {
  let env: RelayTestEnv;
  let session: Client;

  beforeAll(async () => {
    env = await relayTestEnv();
    session = new Client({ connectionString: env.db.url });
    session.on('error', () => undefined);
    await session.connect();
  });

  afterAll(async () => {
    await session.end();
    await env.dispose([]);
  });

  it('given a saved checkpoint, when an older one is saved later, then the checkpoint does not move back', async () => {
    const checkpoints = new CheckpointRepository('test');
    await checkpoints.save(session, { transactionId: '100', globalPosition: '7' });

    await checkpoints.save(session, { transactionId: '99', globalPosition: '50' });

    expect(await checkpoints.load(session)).toEqual({ transactionId: '100', globalPosition: '7' });
    expect(await new CheckpointRepository('other').load(session)).toEqual(ORIGIN);
  });
});
