import { describeFindings, lintOpenApiDocument, type LintFinding, type OpenApiLintReport } from '@ledger/testing';
import { startQueryApp, type QueryApp } from './testing/query-app.harness';

/** The document does not need the issuer up: only its discovery URL is written into the security scheme. */
const ISSUER = 'http://127.0.0.1:3005';

/**
 * StreamEventData describes the `data` of each server-sent event; OpenAPI 3.0 has no way to reference it
 * from a text/event-stream response, so the linters see it unused (the one warning accepted).
 */
const isStreamDataSchemaUnused = (finding: LintFinding): boolean =>
  (finding.rule === 'no-unused-components' || finding.rule === 'oas3-unused-component') && /StreamEventData$/.test(finding.at);

describe('the query OpenAPI document', () => {
  let query: QueryApp;
  let document: { openapi?: string; paths?: Record<string, unknown> };
  let report: OpenApiLintReport;

  beforeAll(async () => {
    query = await startQueryApp({ OIDC_ISSUER: ISSUER });
    const response = await query.get('/docs-json');
    expect(response.status).toBe(200);
    document = response.body;
    report = await lintOpenApiDocument('query', document);
  }, 120_000);

  afterAll(async () => {
    await query?.close();
  });

  it('is served, with its UI, without a token, while the queries need one', async () => {
    expect(document.openapi).toMatch(/^3\./);
    expect(Object.keys(document.paths ?? {}).length).toBeGreaterThan(0);
    const ui = await query.get('/docs');
    expect(ui.status).toBe(200);
    expect(ui.headers['content-type']).toMatch(/text\/html/);
    expect((await query.get('/accounts', { authorization: '' })).status).toBe(401);
  });

  it('passes Redocly (recommended) and Spectral (spectral:oas, OWASP) with no error and no warning', () => {
    const findings = report.findings.filter(
      (finding) => (finding.severity === 'error' || finding.severity === 'warning') && !isStreamDataSchemaUnused(finding),
    );
    expect(describeFindings(findings)).toBe('');
    expect(report.exitCodes).toEqual({ redocly: 0, spectral: 0 });
  });
});
