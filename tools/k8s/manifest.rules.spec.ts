import { chartRenderedBeforeAll, type Manifest, RENDER_NAMESPACE } from '@ledger/testing';
import { manifestProblems } from './manifest.rules';
import { schemaProblems } from './manifest-schema.validator';

type Mutable = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any -- edits deep inside rendered objects

/** The default render with one object changed, so each check is seen failing on what it guards against. */
function withChange(
  manifests: readonly Manifest[],
  kind: string,
  component: string | undefined,
  change: (object: Mutable) => void,
): Manifest[] {
  const copy = structuredClone(manifests) as unknown as Mutable[];
  const target = copy.find(
    (object) =>
      object['kind'] === kind && (component === undefined || object['metadata'].labels?.['app.kubernetes.io/component'] === component),
  );
  if (!target) throw new Error(`no ${kind} ${component ?? ''} in the render`);
  change(target);
  return copy as unknown as Manifest[];
}

const context = { externalSecrets: [], namespace: RENDER_NAMESPACE };
const container = (deployment: Mutable) => deployment['spec'].template.spec.containers[0];

describe('the manifest checks, on a broken copy of the default render', () => {
  const manifests = chartRenderedBeforeAll({ valuesFiles: ['ci/default-values.yaml'] });

  it('pass on the render itself', () => {
    expect(manifests.flatMap(schemaProblems)).toEqual([]);
    expect(manifestProblems(manifests, context)).toEqual([]);
  });

  it('the schemas refuse a port given as text, a bad quantity and an unknown kind', () => {
    const broken = withChange(manifests, 'Deployment', 'command', (deployment) => {
      container(deployment).ports[0].containerPort = 'http';
      container(deployment).resources.limits.memory = 'plenty';
    });
    const problems = broken.flatMap(schemaProblems).join('\n');
    expect(problems).toContain('containerPort must be integer');
    expect(problems).toContain('memory must match format "quantity"');
    expect(schemaProblems({ apiVersion: 'example.com/v1', kind: 'Widget', metadata: { name: 'w' } })).toEqual([
      'Widget/w: no schema for example.com/v1 Widget',
    ]);
  });

  it.each([
    ['root user', (d: Mutable) => (d['spec'].template.spec.securityContext.runAsNonRoot = false), 'pod does not run as non-root'],
    [
      'writable root filesystem',
      (d: Mutable) => (container(d).securityContext.readOnlyRootFilesystem = false),
      'root filesystem is not read-only',
    ],
    ['capabilities kept', (d: Mutable) => (container(d).securityContext.capabilities = {}), 'capabilities are not all dropped'],
    ['no memory limit', (d: Mutable) => delete container(d).resources.limits, 'no memory limit'],
    [
      'readiness on the wrong path',
      (d: Mutable) => (container(d).readinessProbe.httpGet.path = '/health/live'),
      'readiness is not /health/ready',
    ],
    [
      'preStop longer than the grace period',
      (d: Mutable) => (d['spec'].template.spec.terminationGracePeriodSeconds = 5),
      'not longer than preStop sleep',
    ],
    ['an unpinned image', (d: Mutable) => (container(d).image = 'ledger/query:latest'), 'has no pinned tag'],
    [
      'a missing Secret',
      (d: Mutable) => (container(d).env[0].valueFrom.secretKeyRef.name = 'nowhere'),
      'secretKeyRef names missing Secret nowhere',
    ],
  ])('the rules catch %s', (_name, change, expected) => {
    const problems = manifestProblems(withChange(manifests, 'Deployment', 'query', change), context);
    expect(problems.some((problem) => problem.includes(expected))).toBe(true);
  });

  it('the rules catch a migration Job that is not a pre-upgrade hook, a Service selecting nothing, and too many projectors', () => {
    let broken = withChange(manifests, 'Job', 'migrate', (job) => (job['metadata'].annotations['helm.sh/hook'] = 'pre-install'));
    broken = withChange(broken, 'Service', 'relay', (service) => (service['spec'].selector['app.kubernetes.io/component'] = 'relai'));
    broken = withChange(broken, 'Deployment', 'projector', (deployment) => (deployment['spec'].replicas = 13));
    expect(manifestProblems(broken, context)).toEqual(
      expect.arrayContaining([
        'Job/ledger-migrate: not a pre-install,pre-upgrade hook',
        'Service/ledger-relay: selector matches 0 Deployments, expected 1',
        'Deployment/ledger-projector: 13 replicas for 12 partitions',
      ]),
    );
  });
});
