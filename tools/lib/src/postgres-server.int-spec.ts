import { chmodSync, existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { Client } from 'pg';
import { PostgresServer } from './postgres-server';

async function queryOne(url: string): Promise<number> {
  const client = new Client({ connectionString: url });
  await client.connect();
  try {
    return (await client.query<{ one: number }>('SELECT 1 AS one')).rows[0]?.one ?? 0;
  } finally {
    await client.end();
  }
}

describe('PostgresServer', () => {
  // As a `mktemp -d` clone is: only its owner may enter. As root the server runs as `postgres`, who may not.
  let privateFolder: string;
  let server: PostgresServer | undefined;

  beforeAll(() => {
    privateFolder = mkdtempSync(join(tmpdir(), 'private-checkout-'));
    chmodSync(privateFolder, 0o700);
  });

  afterAll(async () => {
    await server?.remove();
    rmSync(privateFolder, { recursive: true, force: true });
  });

  it('given logs inside a folder only its owner may enter, when created, started, crashed and started again, then it answers, and once removed its data is gone', async () => {
    server = await PostgresServer.create({ logDir: join(privateFolder, 'postgres') });
    await server.start();

    expect(relative(privateFolder, server.dataDir).startsWith('..')).toBe(true);
    expect(await queryOne(server.url())).toBe(1);
    expect(existsSync(join(privateFolder, 'postgres', 'server.log'))).toBe(true);

    await server.crash();
    await server.start();
    expect(await queryOne(server.url())).toBe(1);

    const dataDir = server.dataDir;
    await server.remove();
    server = undefined;
    expect(existsSync(dataDir)).toBe(false);
  }, 600_000);
});
