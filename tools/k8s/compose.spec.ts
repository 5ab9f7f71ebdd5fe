import { CHART_RENDER_TIMEOUT_MS, readComposeFile } from '@ledger/testing';
import { chartFacts } from './chart-facts';
import { composeProblems } from './compose.rules';
import type { ChartFacts } from './compose.rules';
import { composeSchemaProblems } from './compose-schema.validator';

describe('docker/compose.yaml', () => {
  const compose = readComposeFile();
  let chart: ChartFacts;

  beforeAll(async () => {
    chart = await chartFacts();
  }, CHART_RENDER_TIMEOUT_MS);

  it('is valid against the compose-spec schema', () => {
    expect(composeSchemaProblems(compose)).toEqual([]);
  });

  it('has dependencies that exist and can be met, and builds every app and migration with the chart ports', () => {
    expect(chart.migratingApps).toEqual(['command', 'projector']);
    expect(composeProblems(compose, chart)).toEqual([]);
  });

  it('fails the schema on a misspelt service key and an unknown dependency condition', () => {
    const broken = structuredClone(compose) as unknown as { services: Record<string, Record<string, unknown>> };
    broken.services['command'] = { ...broken.services['command'], helthcheck: {} };
    broken.services['query'] = { ...broken.services['query'], depends_on: { postgres: { condition: 'service_happy' } } };
    const problems = composeSchemaProblems(broken);
    expect(problems).toEqual(expect.arrayContaining(['/services/command must NOT have additional properties (helthcheck)']));
    expect(problems.some((problem) => problem.startsWith('/services/query/depends_on/postgres/condition'))).toBe(true);
  });

  it('fails the rules on a wrong port, an unknown dependency and a missing app', () => {
    const broken = structuredClone(compose) as unknown as { services: Record<string, Record<string, unknown>> };
    broken.services['relay'] = {
      ...broken.services['relay'],
      build: { context: '..', dockerfile: 'docker/Dockerfile', args: { APP: 'relay', PORT: '9999' } },
    };
    broken.services['query'] = { ...broken.services['query'], depends_on: { nowhere: { condition: 'service_started' } } };
    delete broken.services['projector'];
    expect(composeProblems(broken as never, chart)).toEqual(
      expect.arrayContaining([
        'relay: build arg PORT=9999, relay listens on 3003',
        'query: depends on unknown service nowhere',
        'no service runs projector',
      ]),
    );
  });
});
