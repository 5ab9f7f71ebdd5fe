import {
  CHART_DIR,
  CHART_RENDER_TIMEOUT_MS,
  helmTemplate,
  type Manifest,
  RENDER_NAMESPACE,
  chartRenderedBeforeAll,
  runHelm,
  valueArguments,
} from '@ledger/testing';
import { chartScenarios, REFUSALS } from './chart-scenarios';
import { manifestProblems } from './manifest.rules';
import { schemaProblems } from './manifest-schema.validator';

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
interface PodOwner extends Manifest {
  readonly spec: {
    readonly template: {
      readonly metadata: { readonly annotations: Record<string, string> };
      readonly spec: {
        readonly containers: ReadonlyArray<{
          readonly ports?: readonly object[];
          readonly env?: ReadonlyArray<{
            readonly name: string;
            readonly value?: string;
            readonly valueFrom?: { readonly secretKeyRef?: { readonly name: string } };
          }>;
        }>;
      };
    };
  };
}
interface ServiceManifest extends Manifest {
  readonly spec: { readonly ports: readonly object[] };
}
interface PolicyManifest extends Manifest {
  readonly spec: {
    readonly ingress: readonly object[];
    readonly egress: ReadonlyArray<{ readonly ports: ReadonlyArray<{ readonly port: number | string }> }>;
  };
}
const replicasOf = (manifest: Manifest | undefined) => (manifest as { spec?: { replicas?: number } } | undefined)?.spec?.replicas;

describe('the ledger Helm chart', () => {
  describe.each(chartScenarios())('rendered with $name', (scenario) => {
    const manifests = chartRenderedBeforeAll(scenario);

    it(
      'passes helm lint --strict',
      async () => {
        const lint = await runHelm(['lint', CHART_DIR, '--strict', ...valueArguments(scenario)]);
        expect({ status: lint.status, output: lint.status === 0 ? '' : lint.stdout + lint.stderr }).toEqual({ status: 0, output: '' });
      },
      CHART_RENDER_TIMEOUT_MS,
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
      CHART_RENDER_TIMEOUT_MS,
    );
  });

  describe('with the defaults (ci/default-values.yaml)', () => {
    const manifests = chartRenderedBeforeAll({ valuesFiles: ['ci/default-values.yaml'] });

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
        Object.entries(deployments).map(([app, deployment]) => [app, databaseSecretOf(deployment as Manifest).map(urlIn)]),
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

    it('serves /metrics on a management port of its own per app, annotated for scraping and on the Service', () => {
      const deployments = byComponent(manifests, 'Deployment');
      const services = byComponent(manifests, 'Service');
      const expected = { command: 9101, query: 9102, relay: 9103, projector: 9104 };
      for (const [app, port] of Object.entries(expected)) {
        const pod = (deployments[app] as PodOwner).spec.template;
        expect(pod.spec.containers[0]?.ports).toContainEqual({ name: 'management', containerPort: port, protocol: 'TCP' });
        expect(pod.spec.containers[0]?.env).toContainEqual({ name: 'MANAGEMENT_PORT', value: String(port) });
        expect(pod.metadata.annotations['prometheus.io/port']).toBe(String(port));
        expect((services[app] as ServiceManifest).spec.ports).toContainEqual(
          expect.objectContaining({ name: 'management', port, targetPort: 'management' }),
        );
      }
    });

    it('gives every app a NetworkPolicy: public port open, management port from the monitoring namespace only', () => {
      const policies = byComponent(manifests, 'NetworkPolicy') as Record<string, PolicyManifest>;
      expect(Object.keys(policies).sort()).toEqual(['command', 'projector', 'query', 'relay']);
      for (const policy of Object.values(policies)) {
        const [publicRule, managementRule] = policy.spec.ingress;
        expect(publicRule).toEqual({ ports: [{ port: 'http', protocol: 'TCP' }] });
        expect(managementRule).toEqual({
          ports: [{ port: 'management', protocol: 'TCP' }],
          from: [{ namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'monitoring' } }, podSelector: {} }],
        });
      }
      const egressPorts = (app: string) =>
        policies[app]?.spec.egress.flatMap((rule) => rule.ports.map((port) => Number(port.port))).sort((a, b) => a - b);
      expect(egressPorts('relay')).toEqual([53, 53, 5432, 9092]);
      expect(egressPorts('command')).toEqual([53, 53, 443, 5432]);
    });

    it('creates missing topics durably: three replicas, an event acknowledged once two have it', () => {
      const kafkaConfig = manifests.find((manifest) => manifest.kind === 'ConfigMap' && manifest.metadata.name.endsWith('-kafka')) as
        | { data?: Record<string, string> }
        | undefined;
      expect(kafkaConfig?.data).toMatchObject({ KAFKA_REPLICATION_FACTOR: '3', KAFKA_MIN_INSYNC_REPLICAS: '2' });
    });

    it('renders no HPA, ServiceMonitor, PrometheusRule or dashboard until asked', () => {
      expect(kindsOf(manifests)).not.toEqual(expect.arrayContaining(['HorizontalPodAutoscaler']));
      expect(kindsOf(manifests)).not.toContain('ServiceMonitor');
      expect(kindsOf(manifests)).not.toContain('PrometheusRule');
      expect(manifests.filter((manifest) => manifest.metadata.labels?.['grafana_dashboard'])).toEqual([]);
    });
  });

  describe('with production-like values (ci/production-values.yaml)', () => {
    const manifests = chartRenderedBeforeAll({ valuesFiles: ['ci/production-values.yaml'] });

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

    it('scrapes the management port, never the public one', () => {
      const monitor = manifests.find((manifest) => manifest.kind === 'ServiceMonitor') as
        | { spec?: { endpoints?: Array<{ port?: string }> } }
        | undefined;
      expect(monitor?.spec?.endpoints?.map((endpoint) => endpoint.port)).toEqual(['management']);
    });

    it('gives relay and projector (only) the Kafka credentials from their Secret, and TLS with the CA file', () => {
      const deployments = byComponent(manifests, 'Deployment');
      const credentialsOf = (app: string) =>
        ((deployments[app] as PodOwner).spec.template.spec.containers[0]?.env ?? [])
          .filter((variable) => variable.name.startsWith('KAFKA_SASL_'))
          .map((variable) => [variable.name, variable.valueFrom?.secretKeyRef?.name]);
      for (const app of ['relay', 'projector'])
        expect(credentialsOf(app)).toEqual([
          ['KAFKA_SASL_USERNAME', 'ledger-kafka-credentials'],
          ['KAFKA_SASL_PASSWORD', 'ledger-kafka-credentials'],
        ]);
      for (const app of ['command', 'query']) expect(credentialsOf(app)).toEqual([]);
      const kafkaConfig = manifests.find((manifest) => manifest.kind === 'ConfigMap' && manifest.metadata.name.endsWith('-kafka')) as
        | { data?: Record<string, string> }
        | undefined;
      expect(kafkaConfig?.data).toMatchObject({
        KAFKA_SSL: 'true',
        KAFKA_SSL_CA_FILE: '/etc/ledger/kafka-ca/ca.crt',
        KAFKA_SASL_MECHANISM: 'scram-sha-512',
      });
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
    CHART_RENDER_TIMEOUT_MS,
  );
});
