import { startQueryApp, type QueryApp } from './testing/query-app.harness';

interface Operation {
  readonly parameters?: { name: string; in: string; required?: boolean }[];
  readonly responses: Record<string, { description: string; content?: Record<string, unknown>; headers?: Record<string, unknown> }>;
}

describe('OpenAPI at /docs', () => {
  let query: QueryApp;
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  let document: any;

  beforeAll(async () => {
    query = await startQueryApp({ OIDC_ISSUER: 'http://127.0.0.1:3005' });
    document = (await query.get('/docs-json')).body;
  }, 60_000);

  afterAll(async () => {
    await query.close();
  });

  const operation = (path: string): Operation => document.paths[path].get;
  const problemTypes = (op: Operation, status: string) => op.responses[status]?.description.match(/`[a-z-]+`/g)?.map((s) => s.slice(1, -1));

  it('serves the UI and the document, with the query endpoints and nothing else', async () => {
    const ui = await query.get('/docs');
    expect(ui.status).toBe(200);
    expect(ui.headers['content-type']).toMatch(/text\/html/);
    expect(Object.keys(document.paths).sort()).toEqual([
      '/accounts',
      '/accounts/{accountId}',
      '/accounts/{accountId}/balance',
      '/accounts/{accountId}/statement',
      '/accounts/{accountId}/stream',
      '/accounts/{accountId}/transactions',
      '/transfers/{transferId}',
    ]);
  });

  it('documents every parameter', () => {
    const names = (path: string) =>
      operation(path)
        .parameters?.map((p) => `${p.in}:${p.name}${p.required ? '!' : ''}`)
        .sort();
    expect(names('/accounts/{accountId}')).toEqual(['path:accountId!', 'query:minVersion', 'query:waitMs']);
    expect(names('/accounts/{accountId}/transactions')).toEqual([
      'path:accountId!',
      'query:cursor',
      'query:from',
      'query:limit',
      'query:to',
      'query:type',
    ]);
    expect(names('/accounts/{accountId}/balance')).toEqual(['path:accountId!', 'query:at!']);
    expect(names('/accounts/{accountId}/statement')).toEqual(['header:Accept', 'path:accountId!', 'query:from!', 'query:to!']);
    expect(names('/transfers/{transferId}')).toEqual(['path:transferId!', 'query:waitMs']);
    expect(names('/accounts')).toEqual(['query:cursor', 'query:limit', 'query:owner', 'query:ownerId']);
    expect(names('/accounts/{accountId}/stream')).toEqual(['header:Last-Event-ID', 'path:accountId!']);
  });

  it('documents every error response as problem+json with its types', () => {
    expect(problemTypes(operation('/accounts/{accountId}'), '400')).toEqual(['validation', 'invalid-account-id']);
    expect(problemTypes(operation('/accounts/{accountId}'), '404')).toEqual(['account-not-found']);
    expect(problemTypes(operation('/accounts/{accountId}'), '504')).toEqual(['read-your-writes-timeout']);
    expect(problemTypes(operation('/accounts/{accountId}/transactions'), '400')).toEqual([
      'validation',
      'invalid-account-id',
      'invalid-cursor',
      'invalid-time-range',
    ]);
    expect(problemTypes(operation('/accounts/{accountId}/transactions'), '404')).toEqual(['account-not-found']);
    expect(problemTypes(operation('/accounts/{accountId}/balance'), '404')).toEqual(['account-not-found', 'account-not-yet-opened']);
    expect(problemTypes(operation('/accounts/{accountId}/statement'), '400')).toEqual([
      'validation',
      'invalid-account-id',
      'invalid-time-range',
    ]);
    expect(Object.keys(operation('/accounts/{accountId}/statement').responses['200']?.content ?? {})).toEqual([
      'application/json',
      'text/csv',
    ]);
    expect(problemTypes(operation('/transfers/{transferId}'), '400')).toEqual(['validation', 'invalid-transfer-id']);
    expect(problemTypes(operation('/transfers/{transferId}'), '404')).toEqual(['transfer-not-found']);
    expect(problemTypes(operation('/transfers/{transferId}'), '503')).toContain('unavailable');
    expect(problemTypes(operation('/accounts'), '400')).toEqual(['validation', 'invalid-cursor']);
    const stream = operation('/accounts/{accountId}/stream');
    expect(problemTypes(stream, '400')).toEqual(['validation', 'invalid-account-id', 'invalid-last-event-id']);
    expect(problemTypes(stream, '503')).toEqual(['too-many-streams', 'unavailable']);
    expect(stream.responses['503']?.headers).toHaveProperty('Retry-After');
    expect(Object.keys(stream.responses['200']?.content ?? {})).toEqual(['text/event-stream']);
    for (const path of Object.keys(document.paths)) {
      expect(problemTypes(operation(path), '431')).toEqual(['headers-too-large']);
      expect(problemTypes(operation(path), '429')).toEqual(['rate-limited']);
      expect(operation(path).responses['429']?.headers).toHaveProperty('Retry-After');
      expect(problemTypes(operation(path), '503')).toContain('unavailable');
      expect(operation(path).responses['503']?.headers).toHaveProperty('Retry-After');
      for (const [status, response] of Object.entries(operation(path).responses)) {
        expect(response.description).not.toBe('');
        if (Number(status) >= 400) expect(Object.keys(response.content ?? {})).toEqual(['application/problem+json']);
      }
    }
  });

  it('describes the bodies: account with summary, pages, stream data, problems', () => {
    const schemas = document.components.schemas;
    expect(Object.keys(schemas.AccountResponse.properties)).toEqual(
      expect.arrayContaining([
        'accountId',
        'owner',
        'currency',
        'balance',
        'availableBalance',
        'reserved',
        'status',
        'version',
        'openedAt',
        'updatedAt',
        'summary',
      ]),
    );
    expect(Object.keys(schemas.TransactionItemResponse.properties)).toEqual(
      expect.arrayContaining(['transferId', 'counterpartyAccountId']),
    );
    expect(Object.keys(schemas.TransferResponse.properties).sort()).toEqual([
      'amount',
      'createdAt',
      'currency',
      'expiresAt',
      'fromAccountId',
      'postedAmount',
      'reference',
      'status',
      'toAccountId',
      'transferId',
      'updatedAt',
    ]);
    expect(Object.keys(schemas.StatementResponse.properties)).toEqual(
      expect.arrayContaining(['openingBalance', 'closingBalance', 'totals', 'items']),
    );
    expect(Object.keys(schemas.AccountSummaryResponse.properties).sort()).toEqual([
      'lastActivityAt',
      'totalDeposited',
      'totalWithdrawn',
      'transactionCount',
    ]);
    expect(Object.keys(schemas.StreamEventData.properties)).toEqual(
      expect.arrayContaining(['version', 'amount', 'balanceAfter', 'balance', 'status']),
    );
    expect(Object.keys(schemas.ProblemResponse.properties)).toEqual(expect.arrayContaining(['type', 'title', 'status', 'reachedVersion']));
  });
});
