import { eventually, startTestIssuer, type TestIssuer } from '@ledger/testing';
import { randomUUID } from 'node:crypto';
import { connect, type Socket } from 'node:net';
import { countEvents, startCommandApp, type CommandAppHarness, type HttpResult } from '../testing/command-app.harness';

const PROBLEMS = 'https://ledger.example.com/problems/';

describe('limits that protect the command service', () => {
  let issuer: TestIssuer;

  beforeAll(async () => {
    issuer = await startTestIssuer();
  }, 60_000);

  afterAll(async () => {
    await issuer?.stop();
  });

  describe('the per-account command queue', () => {
    let app: CommandAppHarness;
    let token: string;

    beforeAll(async () => {
      app = await startCommandApp({ OIDC_ISSUER: issuer.url, COMMAND_ACCOUNT_QUEUE_LIMIT: '1' });
      token = await issuer.mint({ sub: 'queue-owner', scope: 'ledger:read ledger:write' });
    }, 60_000);

    afterAll(async () => {
      await app?.close();
    });

    /** Backends of the app's database waiting for a lock: a command held at its append. */
    async function appendsWaitingForTheLock(): Promise<number> {
      const { rows } = await app.db.query<{ n: string }>(
        `SELECT count(*) AS n FROM pg_stat_activity WHERE datname = current_database() AND wait_event_type = 'Lock'`,
      );
      return Number(rows[0]?.n ?? 0);
    }

    it('given COMMAND_ACCOUNT_QUEUE_LIMIT commands waiting behind a running one, then each further one is refused at once with 503 and appends nothing', async () => {
      const auth = { authorization: `Bearer ${token}` };
      const accountId = randomUUID();
      expect((await app.post('/accounts', { owner: 'Hot', currency: 'EUR', initialDeposit: 0, accountId }, auth)).status).toBe(201);
      const deposit = () => app.post(`/accounts/${accountId}/deposits`, { amount: 10 }, auth);
      const lock = await app.db.connect();
      let running: Promise<HttpResult>;
      let queued: Promise<HttpResult>;
      const refusedAtOnce: HttpResult[] = [];
      try {
        // The table lock holds the first deposit at its append: it runs, and what follows must queue behind it.
        await lock.query('BEGIN');
        await lock.query('LOCK TABLE event_store.events IN EXCLUSIVE MODE');
        running = deposit();
        await eventually(async () => (await appendsWaitingForTheLock()) === 1, 15_000, 'the first deposit to wait at its append');
        queued = deposit();
        const beyond = [deposit(), deposit(), deposit()];
        for (const result of beyond) void result.then((answer) => refusedAtOnce.push(answer));
        await eventually(() => refusedAtOnce.length === beyond.length, 15_000, 'the deposits beyond the limit to be answered');
      } finally {
        await lock.query('COMMIT');
        lock.release();
      }

      expect(refusedAtOnce.map((result) => result.status)).toEqual([503, 503, 503]);
      for (const result of refusedAtOnce) {
        expect(result.headers.get('content-type')).toContain('application/problem+json');
        expect(result.body).toMatchObject({ type: `${PROBLEMS}unavailable`, status: 503 });
        expect(String(result.body['detail'])).toContain(accountId);
        expect(Number(result.headers.get('retry-after'))).toBeGreaterThan(0);
      }
      expect((await running).status).toBe(201);
      expect((await queued).status).toBe(201);
      expect(await countEvents(app.db, accountId)).toBe(3);
    }, 60_000);
  });

  describe('HTTP timeouts', () => {
    let app: CommandAppHarness;
    const sockets: Socket[] = [];

    beforeAll(async () => {
      app = await startCommandApp({
        OIDC_ISSUER: issuer.url,
        HTTP_REQUEST_TIMEOUT_MS: '1000',
        HTTP_CONNECTION_TIMEOUT_MS: '500',
        HTTP_KEEP_ALIVE_TIMEOUT_MS: '4000',
      });
    }, 60_000);

    afterAll(async () => {
      for (const socket of sockets) socket.destroy();
      await app?.close();
    });

    /** A raw connection to the app that records what it reads and when the server closes it. */
    async function rawConnection(): Promise<{ socket: Socket; received: () => string; closed: () => boolean }> {
      const { port } = new URL(app.baseUrl);
      const socket = connect(Number(port), '127.0.0.1');
      sockets.push(socket);
      let received = '';
      let closed = false;
      socket.setEncoding('utf8');
      socket.on('data', (chunk: string) => (received += chunk));
      socket.on('close', () => (closed = true));
      socket.on('error', () => undefined);
      await new Promise((resolve) => socket.once('connect', resolve));
      return { socket, received: () => received, closed: () => closed };
    }

    it('given a client that sends the headers and then trickles the body without ever finishing it, then it gets 408 request-timeout and is cut off', async () => {
      const client = await rawConnection();
      client.socket.write(
        `POST /accounts HTTP/1.1\r\nHost: ledger\r\nContent-Type: application/json\r\nContent-Length: 1000\r\n\r\n{"owner":"`,
      );
      // A byte every 100 ms keeps the connection busy, well inside HTTP_CONNECTION_TIMEOUT_MS: only the request timeout can end it.
      const trickle = setInterval(() => client.socket.writable && client.socket.write('a'), 100);
      try {
        await eventually(client.closed, 15_000, 'the server to cut the stalled request off');
      } finally {
        clearInterval(trickle);
      }

      const [head, body] = client.received().split('\r\n\r\n');
      expect(head).toMatch(/^HTTP\/1\.1 408 /);
      expect(head).toContain('Content-Type: application/problem+json');
      expect(JSON.parse(body ?? '')).toEqual({ type: `${PROBLEMS}request-timeout`, title: 'Request timeout', status: 408 });
    }, 30_000);

    it('given a connection that sends nothing, then the server closes it after the connection timeout', async () => {
      const client = await rawConnection();

      await eventually(client.closed, 15_000, 'the server to close the idle connection');

      expect(client.received()).toBe('');
    }, 30_000);

    it('tells keep-alive clients how long an idle connection stays open', async () => {
      const response = await fetch(`${app.baseUrl}/health/live`);
      await response.text();

      expect(response.headers.get('keep-alive')).toBe('timeout=4');
    });
  });
});
