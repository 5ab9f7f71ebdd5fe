import { CHART_RENDER_TIMEOUT_MS, chartCiValuesFiles, Manifest, renderChart } from './helm-chart.render';
import { composeEnvironment, composeServicesOfApp, readComposeFile } from './compose-file.read';
import { DeployedEnvironment, DeployedVariable, deployedEnvironmentProblems } from './config-settings';

// Jest's globals, declared here (as in suite-resource.ts) so the library compiles without Jest's types.
declare const describe: (name: string, body: () => void) => void;
declare const it: (name: string, test: () => Promise<void>, timeoutMs?: number) => void;
declare const expect: (actual: unknown) => { toBeGreaterThan(expected: number): void; toEqual(expected: unknown): void };

interface EnvVar {
  readonly name: string;
  readonly value?: string;
  readonly valueFrom?: {
    readonly secretKeyRef?: { readonly name: string; readonly key: string };
    readonly configMapKeyRef?: { readonly name: string; readonly key: string };
  };
}

interface Container {
  readonly name: string;
  readonly image?: string;
  readonly env?: readonly EnvVar[];
  readonly envFrom?: ReadonlyArray<{ readonly configMapRef?: { readonly name: string }; readonly secretRef?: { readonly name: string } }>;
}

interface PodOwner extends Manifest {
  readonly spec: {
    readonly template: { readonly spec: { readonly containers: readonly Container[]; readonly initContainers?: readonly Container[] } };
  };
}

interface DataObject extends Manifest {
  readonly data?: Record<string, string>;
  readonly stringData?: Record<string, string>;
}

const POD_OWNERS = new Set(['Deployment', 'StatefulSet', 'DaemonSet', 'Job']);

function componentOf(manifest: Manifest): string | undefined {
  return manifest.metadata.labels?.['app.kubernetes.io/component'];
}

function containersOf(owner: PodOwner): Container[] {
  return [...(owner.spec.template.spec.initContainers ?? []), ...owner.spec.template.spec.containers];
}

/** Values of a rendered ConfigMap or Secret (Secrets decoded); undefined when the chart does not render it. */
function dataOf(manifests: readonly Manifest[], kind: 'ConfigMap' | 'Secret', name: string): Record<string, string> | undefined {
  const object = manifests.find((manifest) => manifest.kind === kind && manifest.metadata.name === name) as DataObject | undefined;
  if (!object) return undefined;
  const decoded = Object.fromEntries(
    Object.entries(object.data ?? {}).map(([key, value]) => [
      key,
      kind === 'Secret' ? Buffer.from(value, 'base64').toString('utf8') : value,
    ]),
  );
  return { ...decoded, ...object.stringData };
}

/** A container's variables, resolved through the ConfigMaps and Secrets the chart renders. */
function containerVariables(manifests: readonly Manifest[], container: Container): { variables: DeployedVariable[]; problems: string[] } {
  const variables: DeployedVariable[] = [];
  const problems: string[] = [];
  for (const source of container.envFrom ?? []) {
    const ref = source.configMapRef ?? source.secretRef;
    const kind = source.configMapRef ? 'ConfigMap' : 'Secret';
    const data = ref ? dataOf(manifests, kind, ref.name) : undefined;
    if (!data) problems.push(`envFrom ${kind} ${ref?.name} is not rendered by the chart: its variables cannot be checked`);
    else variables.push(...Object.entries(data).map(([name, value]) => ({ name, value })));
  }
  for (const variable of container.env ?? []) {
    const secretRef = variable.valueFrom?.secretKeyRef;
    const configMapRef = variable.valueFrom?.configMapKeyRef;
    if (secretRef) variables.push({ name: variable.name, value: dataOf(manifests, 'Secret', secretRef.name)?.[secretRef.key] });
    else if (configMapRef)
      variables.push({ name: variable.name, value: dataOf(manifests, 'ConfigMap', configMapRef.name)?.[configMapRef.key] });
    else variables.push({ name: variable.name, value: variable.value ?? '' });
  }
  return { variables, problems };
}

/**
 * Every container of a render that runs an app's image: the app's Deployment (labelled with the app as
 * its component) and any other pod, such as the migration Job, started from the same image.
 */
export function chartEnvironmentsOf(
  manifests: readonly Manifest[],
  app: string,
  scenario: string,
): { environments: DeployedEnvironment[]; problems: string[] } {
  const owners = manifests.filter((manifest) => POD_OWNERS.has(manifest.kind)) as PodOwner[];
  const appDeployment = owners.find((owner) => owner.kind === 'Deployment' && componentOf(owner) === app);
  if (!appDeployment) return { environments: [], problems: [`chart[${scenario}]: no Deployment with component ${app}`] };
  const images = new Set(appDeployment.spec.template.spec.containers.map((container) => container.image));
  const environments: DeployedEnvironment[] = [];
  const problems: string[] = [];
  for (const owner of owners) {
    for (const container of containersOf(owner).filter((candidate) => images.has(candidate.image))) {
      const where = `chart[${scenario}] ${owner.kind}/${owner.metadata.name} container ${container.name}`;
      const resolved = containerVariables(manifests, container);
      environments.push({ where, variables: resolved.variables });
      problems.push(...resolved.problems.map((problem) => `${where}: ${problem}`));
    }
  }
  return { environments, problems };
}

/** The environment of every compose service built as this app (the app and its migration). */
export function composeEnvironmentsOf(app: string): DeployedEnvironment[] {
  return composeServicesOfApp(readComposeFile(), app).map(([name, service]) => ({
    where: `compose service ${name}`,
    variables: Object.entries(composeEnvironment(service)).map(([variable, value]) => ({ name: variable, value })),
  }));
}

export interface DeploymentSettingsReport {
  /** Where the app's environment was found: one entry per container and compose service checked. */
  readonly checked: readonly string[];
  readonly problems: readonly string[];
}

/**
 * Compares what the Helm chart (rendered with each values file in k8s/ledger/ci) and
 * docker/compose.yaml give an app against the app's config class: every required setting set,
 * nothing set that the app does not declare, every value one the app accepts.
 */
export async function deploymentSettingsReport(app: string, schema: new () => object): Promise<DeploymentSettingsReport> {
  const environments: DeployedEnvironment[] = [];
  const problems: string[] = [];
  for (const valuesFile of chartCiValuesFiles()) {
    const found = chartEnvironmentsOf(await renderChart({ valuesFiles: [valuesFile] }), app, valuesFile);
    environments.push(...found.environments);
    problems.push(...found.problems);
  }
  const composed = composeEnvironmentsOf(app);
  if (composed.length === 0) problems.push(`compose: no service is built with APP=${app}`);
  environments.push(...composed);
  return {
    checked: environments.map((environment) => environment.where),
    problems: [...problems, ...deployedEnvironmentProblems(schema, environments)],
  };
}

/** An app's deployment spec: its chart and compose environments checked against its config class. */
export function describeDeploymentSettings(app: string, schema: new () => object): void {
  describe(`${app} deployments (Helm chart, compose) against ${schema.name}`, () => {
    it(
      `set every required setting, nothing ${schema.name} does not declare, and only values it accepts`,
      async () => {
        const report = await deploymentSettingsReport(app, schema);
        expect(report.checked.filter((where) => where.startsWith('chart[')).length).toBeGreaterThan(0);
        expect(report.checked.filter((where) => where.startsWith('compose ')).length).toBeGreaterThan(0);
        expect(report.problems).toEqual([]);
      },
      CHART_RENDER_TIMEOUT_MS,
    );
  });
}
