import { deploymentSettingsReport } from '@ledger/testing';
import { QueryConfig } from './query.config';

// Renders the Helm chart (once per values file in k8s/ledger/ci) and reads docker/compose.yaml.
const RENDER_TIMEOUT_MS = 300_000;

describe('query deployments (Helm chart, compose) against QueryConfig', () => {
  it(
    'set every required setting, nothing QueryConfig does not declare, and only values it accepts',
    async () => {
      const report = await deploymentSettingsReport('query', QueryConfig);
      expect(report.checked.filter((where) => where.startsWith('chart[')).length).toBeGreaterThan(0);
      expect(report.checked.filter((where) => where.startsWith('compose ')).length).toBeGreaterThan(0);
      expect(report.problems).toEqual([]);
    },
    RENDER_TIMEOUT_MS,
  );
});
