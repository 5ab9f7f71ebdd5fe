import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { CHART_RENDER_TIMEOUT_MS, type Manifest, renderChart } from '@ledger/testing';
import { unknownMetrics } from './grafana-dashboard.rules';
import { metricDefinitions, seriesNames } from './metric-definitions';

const OPERATIONS_DOC = resolve(__dirname, '../../docs/operations.md');

interface AlertRule {
  readonly alert: string;
  readonly expr: string;
  readonly annotations?: Record<string, string>;
}
interface PrometheusRule extends Manifest {
  readonly spec: { readonly groups: ReadonlyArray<{ readonly rules: readonly AlertRule[] }> };
}

describe('the PrometheusRule (metrics.prometheusRule.enabled)', () => {
  let rules: AlertRule[];
  let known: Set<string>;

  beforeAll(async () => {
    const manifests = await renderChart({ valuesFiles: ['ci/production-values.yaml'] });
    const rule = manifests.find((manifest) => manifest.kind === 'PrometheusRule') as PrometheusRule | undefined;
    rules = rule?.spec.groups.flatMap((group) => group.rules) ?? [];
    known = seriesNames(await metricDefinitions());
  }, CHART_RENDER_TIMEOUT_MS);

  it('alerts only on metrics the apps define', () => {
    expect(rules.length).toBeGreaterThan(0);
    expect(
      unknownMetrics(
        rules.map((rule) => rule.expr),
        known,
      ),
    ).toEqual([]);
  });

  it('links every alert to its section of docs/operations.md, which says what it means and what to do', () => {
    const doc = readFileSync(OPERATIONS_DOC, 'utf8');
    const anchors = new Set([...doc.matchAll(/^#{2,4} (\S+)/gm)].map((match) => `docs/operations.md#${match[1]?.toLowerCase()}`));
    const runbooks = rules.map((rule) => rule.annotations?.['runbook_url'] ?? `${rule.alert} has no runbook_url`);
    expect(runbooks.filter((runbook) => !anchors.has(runbook))).toEqual([]);
  });
});
