import { describeFindings, lintOpenApiDocument, type OpenApiLintReport } from '@ledger/testing';
import { startCommandApp, type CommandAppHarness } from './testing/command-app.harness';

/** The document does not need the issuer up: only its discovery URL is written into the security scheme. */
const ISSUER = 'http://127.0.0.1:3005';

describe('the command OpenAPI document', () => {
  let app: CommandAppHarness;
  let document: { openapi?: string; paths?: Record<string, unknown> };
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
    const command = await app.post('/accounts', { owner: 'Ada', currency: 'EUR' });
    expect(command.status).toBe(401);
  });

  it('passes Redocly (recommended) and Spectral (spectral:oas, OWASP) with no error and no warning', () => {
    const findings = report.findings.filter((finding) => finding.severity === 'error' || finding.severity === 'warning');
    expect(describeFindings(findings)).toBe('');
    expect(report.exitCodes).toEqual({ redocly: 0, spectral: 0 });
  });
});
