import { describeFindings, lintOpenApiDocument, type OpenApiLintReport } from '@ledger/testing';
import { startCommandApp, type CommandAppHarness } from './testing/command-app.harness';

interface Operation {
  readonly security?: Record<string, string[]>[];
  readonly responses: Record<string, { description: string; content?: Record<string, unknown>; headers?: Record<string, unknown> }>;
}

/** The document does not need the issuer up: only its discovery URL is written into the security scheme. */
const ISSUER = 'http://127.0.0.1:3005';

describe('the command OpenAPI document', () => {
  let app: CommandAppHarness;
  let document: { openapi?: string; paths?: Record<string, { post: Operation }> };
  let report: OpenApiLintReport;

  beforeAll(async () => {
    app = await startCommandApp({ OIDC_ISSUER: ISSUER });
    const response = await fetch(`${app.baseUrl}/docs-json`);
    expect(response.status).toBe(200);
    document = (await response.json()) as typeof document;
    report = await lintOpenApiDocument('command', document);
  }, 120_000);

  afterAll(async () => {
    await app?.close();
  });

  it('is served, with its UI, without a token, while the commands need one', async () => {
    expect(document.openapi).toMatch(/^3\./);
    expect(Object.keys(document.paths ?? {}).length).toBeGreaterThan(0);
    const ui = await fetch(`${app.baseUrl}/docs`);
    expect(ui.status).toBe(200);
    expect(ui.headers.get('content-type')).toMatch(/text\/html/);
    const command = await app.post('/accounts', { owner: 'Ada', currency: 'EUR' }, { authorization: '' });
    expect(command.status).toBe(401);
  });

  it('declares, for each command, its scope, its 201 and every problem it answers with', () => {
    const operations = Object.entries(document.paths ?? {}).map(([path, item]) => [path, item.post] as const);
    expect(operations.map(([path]) => path).sort()).toEqual([
      '/accounts',
      '/accounts/{accountId}/close',
      '/accounts/{accountId}/deposits',
      '/accounts/{accountId}/freeze',
      '/accounts/{accountId}/unfreeze',
      '/accounts/{accountId}/withdrawals',
      '/transfers',
      '/transfers/{transferId}/post',
      '/transfers/{transferId}/void',
    ]);
    for (const [path, operation] of operations) {
      const scope = path.endsWith('freeze') ? 'ledger:operate' : 'ledger:write';
      expect(operation.security).toEqual([{ oidc: [scope] }]);
      const statuses = Object.keys(operation.responses);
      const onAccount = path.startsWith('/accounts/');
      // A new transfer's key is its transferId (no Idempotency-Key, so no 422); every transfer command may find no account or transfer.
      const newTransfer = path === '/transfers';
      expect(statuses).toEqual([
        '201',
        '400',
        '401',
        '403',
        ...(onAccount || path.startsWith('/transfers') ? ['404'] : []),
        '409',
        ...(onAccount ? ['412'] : []),
        '413',
        '415',
        ...(newTransfer ? [] : ['422']),
        '429',
        '431',
        '500',
        '503',
      ]);
      for (const [status, response] of Object.entries(operation.responses)) {
        if (Number(status) >= 400) expect(Object.keys(response.content ?? {})).toEqual(['application/problem+json']);
        if (/^[24]/.test(status)) expect(response.headers).toHaveProperty('X-RateLimit-Limit');
      }
      expect(operation.responses['429']?.headers).toHaveProperty('Retry-After');
      expect(operation.responses['503']?.headers).toHaveProperty('Retry-After');
      expect(operation.responses['401']?.description).toContain('`unauthenticated`');
      expect(operation.responses['403']?.description).toContain('`insufficient-scope`');
    }
    expect(document.paths?.['/accounts/{accountId}/withdrawals']?.post.responses['409']?.description).toContain('`insufficient-funds`');
    expect(document.paths?.['/transfers']?.post.responses['409']?.description).toContain('`transfer-id-reused`');
    expect(document.paths?.['/transfers/{transferId}/post']?.post.responses['409']?.description).toContain('`post-exceeds-pending`');
  });

  it('passes Redocly (recommended) and Spectral (spectral:oas, OWASP) with no error and no warning', () => {
    const findings = report.findings.filter((finding) => finding.severity === 'error' || finding.severity === 'warning');
    expect(describeFindings(findings)).toBe('');
    expect(report.exitCodes).toEqual({ redocly: 0, spectral: 0 });
  });
});
