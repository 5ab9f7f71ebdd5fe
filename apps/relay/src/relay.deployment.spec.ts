import { deploymentSettingsReport } from '@ledger/testing';
import { RelayConfig } from './relay.config';

// Renders the Helm chart (once per values file in k8s/ledger/ci) and reads docker/compose.yaml.
const RENDER_TIMEOUT_MS = 300_000;

describe('relay deployments (Helm chart, compose) against RelayConfig', () => {
  it(
    'set every required setting, nothing RelayConfig does not declare, and only values it accepts',
    async () => {
      const report = await deploymentSettingsReport('relay', RelayConfig);
      expect(report.checked.filter((where) => where.startsWith('chart[')).length).toBeGreaterThan(0);
      expect(report.checked.filter((where) => where.startsWith('compose ')).length).toBeGreaterThan(0);
      expect(report.problems).toEqual([]);
    },
    RENDER_TIMEOUT_MS,
  );
});
