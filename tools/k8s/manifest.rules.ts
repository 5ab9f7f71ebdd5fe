import type { IContainer } from 'kubernetes-models/v1/Container';
import type { IPodSpec } from 'kubernetes-models/v1/PodSpec';
import type { Manifest } from '@ledger/testing';

/**
 * What the schemas cannot say: references between objects (selectors, Secrets, ConfigMaps, ports),
 * the chart's own promises (non-root, read-only root filesystem, no capabilities, resources, probes
 * on /health/live and /health/ready, a preStop sleep inside the grace period, the migration Job as a
 * pre-install/pre-upgrade hook, no more projector replicas than partitions) and the limits the API
 * server enforces on names and label values. Each rule returns problems, never throws.
 */

const DNS_LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;
const LABEL_VALUE = /^(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?$/;

interface PodTemplate {
  readonly metadata?: { readonly labels?: Record<string, string>; readonly annotations?: Record<string, string> };
  readonly spec: IPodSpec;
}
interface PodOwner extends Manifest {
  readonly spec: {
    readonly replicas?: number;
    readonly selector?: { readonly matchLabels?: Record<string, string> };
    readonly template: PodTemplate;
  };
}
interface DataObject extends Manifest {
  readonly data?: Record<string, string>;
  readonly stringData?: Record<string, string>;
}
interface Selecting extends Manifest {
  readonly spec: {
    readonly selector?: { readonly matchLabels?: Record<string, string> } & Record<string, string>;
    readonly ports?: ReadonlyArray<{ readonly name?: string; readonly targetPort?: number | string }>;
    readonly scaleTargetRef?: { readonly name: string };
    readonly minReplicas?: number;
    readonly maxReplicas: number;
    readonly endpoints?: ReadonlyArray<{ readonly port?: string; readonly path?: string }>;
  };
}

interface Policy extends Manifest {
  readonly spec: {
    readonly podSelector?: { readonly matchLabels?: Record<string, string> };
    readonly ingress?: ReadonlyArray<{ readonly ports?: ReadonlyArray<{ readonly port?: number | string }> }>;
  };
}

export interface RuleContext {
  /** Secrets the values name but the chart does not create (existingSecret). */
  readonly externalSecrets: readonly string[];
  readonly namespace: string;
}

const ref = (manifest: Manifest) => `${manifest.kind}/${manifest.metadata.name}`;
const matches = (selector: Record<string, string> | undefined, labels: Record<string, string> | undefined) =>
  selector !== undefined && Object.keys(selector).length > 0 && Object.entries(selector).every(([key, value]) => labels?.[key] === value);
const hookOf = (manifest: Manifest) => manifest.metadata.annotations?.['helm.sh/hook'];
const hookWeight = (manifest: Manifest) => Number(manifest.metadata.annotations?.['helm.sh/hook-weight'] ?? 0);
const ofKind = <T extends Manifest>(manifests: readonly Manifest[], kind: string) =>
  manifests.filter((manifest) => manifest.kind === kind) as T[];
const containersOf = (pod: IPodSpec): IContainer[] => [...(pod.initContainers ?? []), ...pod.containers];

export function namingProblems(manifests: readonly Manifest[], context: RuleContext): string[] {
  const problems: string[] = [];
  const seen = new Set<string>();
  for (const manifest of manifests) {
    const name = manifest.metadata?.name ?? '';
    if (name.length > 63 || !DNS_LABEL.test(name)) problems.push(`${ref(manifest)}: name is not a DNS label of at most 63 characters`);
    const key = `${manifest.apiVersion}/${manifest.kind}/${name}`;
    if (seen.has(key)) problems.push(`${ref(manifest)}: rendered twice`);
    seen.add(key);
    for (const [label, value] of Object.entries(manifest.metadata?.labels ?? {})) {
      if (typeof value !== 'string' || value.length > 63 || !LABEL_VALUE.test(value))
        problems.push(`${ref(manifest)}: label ${label}="${value}" is not a valid label value`);
    }
    const namespace = manifest.metadata?.namespace;
    if (namespace && namespace !== context.namespace) problems.push(`${ref(manifest)}: hard-coded namespace ${namespace}`);
  }
  return problems;
}

function containerProblems(owner: PodOwner, container: IContainer, context: RuleContext, manifests: readonly Manifest[]): string[] {
  const where = `${ref(owner)} container ${container.name}`;
  const problems: string[] = [];
  const problem = (message: string) => problems.push(`${where}: ${message}`);
  const image = container.image ?? '';
  if (!/:[\w][\w.-]*$/.test(image) || image.endsWith(':latest')) problem(`image "${image}" has no pinned tag`);
  if (!container.resources?.requests?.['cpu'] || !container.resources?.requests?.['memory']) problem('no cpu/memory requests');
  if (!container.resources?.limits?.['memory']) problem('no memory limit');
  const security = container.securityContext;
  if (security?.allowPrivilegeEscalation !== false) problem('allowPrivilegeEscalation is not false');
  if (security?.readOnlyRootFilesystem !== true) problem('root filesystem is not read-only');
  if (!security?.capabilities?.drop?.includes('ALL')) problem('capabilities are not all dropped');
  const volumes = new Set((owner.spec.template.spec.volumes ?? []).map((volume) => volume.name));
  for (const mount of container.volumeMounts ?? []) if (!volumes.has(mount.name)) problem(`mounts unknown volume ${mount.name}`);
  const configMaps = new Set(ofKind(manifests, 'ConfigMap').map((manifest) => manifest.metadata.name));
  for (const source of container.envFrom ?? []) {
    const name = source.configMapRef?.name;
    if (name && !configMaps.has(name)) problem(`envFrom names missing ConfigMap ${name}`);
    if (source.secretRef) problem('envFrom a Secret: its variables cannot be checked against the app config');
  }
  const names = new Set<string>();
  for (const variable of container.env ?? []) {
    if (names.has(variable.name)) problem(`env ${variable.name} set twice`);
    names.add(variable.name);
    const secretRef = variable.valueFrom?.secretKeyRef;
    if (secretRef?.name) problems.push(...secretReferenceProblems(owner, where, secretRef.name, secretRef.key, context, manifests));
  }
  return problems;
}

function secretReferenceProblems(
  owner: Manifest,
  where: string,
  name: string,
  key: string,
  context: RuleContext,
  manifests: readonly Manifest[],
): string[] {
  if (context.externalSecrets.includes(name)) return [];
  const secret = ofKind<DataObject>(manifests, 'Secret').find((candidate) => candidate.metadata.name === name);
  if (!secret) return [`${where}: secretKeyRef names missing Secret ${name}`];
  if (!Object.keys({ ...secret.data, ...secret.stringData }).includes(key)) return [`${where}: Secret ${name} has no key ${key}`];
  // A pre-install hook runs before ordinary resources exist: it may only use a hook Secret created earlier.
  if (hookOf(owner) && !(hookOf(secret) && hookWeight(secret) < hookWeight(owner)))
    return [`${where}: hook uses Secret ${name}, which is not an earlier hook`];
  return [];
}

function deploymentProblems(deployment: PodOwner, deployments: readonly PodOwner[]): string[] {
  const problems: string[] = [];
  const problem = (message: string) => problems.push(`${ref(deployment)}: ${message}`);
  const template = deployment.spec.template;
  const selector = deployment.spec.selector?.matchLabels;
  if (!matches(selector, template.metadata?.labels)) problem('selector does not match the pod template labels');
  const others = deployments.filter((other) => other !== deployment && matches(selector, other.spec.template.metadata?.labels));
  if (others.length > 0) problem(`selector also matches ${others.map(ref).join(', ')}`);
  const pod = template.spec;
  if (pod.securityContext?.runAsNonRoot !== true) problem('pod does not run as non-root');
  const grace = pod.terminationGracePeriodSeconds;
  const annotations = template.metadata?.annotations ?? {};
  const ports = pod.containers.flatMap((container) => container.ports ?? []);
  if (
    annotations['prometheus.io/scrape'] === 'true' &&
    !ports.some((port) => String(port.containerPort) === annotations['prometheus.io/port'])
  ) {
    problem(`prometheus.io/port ${annotations['prometheus.io/port']} is not a container port`);
  }
  for (const container of pod.containers) {
    const where = `container ${container.name}`;
    const portNames = new Set((container.ports ?? []).map((port) => port.name));
    for (const [kind, probe] of Object.entries({
      startupProbe: container.startupProbe,
      livenessProbe: container.livenessProbe,
      readinessProbe: container.readinessProbe,
    })) {
      if (!probe) problem(`${where}: no ${kind}`);
      else if (typeof probe.httpGet?.port === 'string' && !portNames.has(probe.httpGet.port))
        problem(`${where}: ${kind} uses unknown port ${probe.httpGet.port}`);
    }
    if (container.livenessProbe?.httpGet?.path !== '/health/live') problem(`${where}: liveness is not /health/live`);
    if (container.readinessProbe?.httpGet?.path !== '/health/ready') problem(`${where}: readiness is not /health/ready`);
    const sleep = container.lifecycle?.preStop?.exec?.command;
    const seconds = sleep?.[0] === 'sleep' ? Number(sleep[1]) : undefined;
    if (seconds === undefined) problem(`${where}: no preStop sleep`);
    else if (grace === undefined || grace <= seconds) problem(`${where}: grace period ${grace}s not longer than preStop sleep ${seconds}s`);
  }
  return problems;
}

function migrationJobProblems(job: PodOwner): string[] {
  const problems: string[] = [];
  const hooks = (hookOf(job) ?? '').split(',');
  if (!hooks.includes('pre-install') || !hooks.includes('pre-upgrade')) problems.push(`${ref(job)}: not a pre-install,pre-upgrade hook`);
  const pod = job.spec.template.spec;
  if (!['Never', 'OnFailure'].includes(pod.restartPolicy ?? '')) problems.push(`${ref(job)}: restartPolicy ${pod.restartPolicy}`);
  if (pod.securityContext?.runAsNonRoot !== true) problems.push(`${ref(job)}: pod does not run as non-root`);
  for (const container of containersOf(pod)) {
    const command = [...(container.command ?? []), ...(container.args ?? [])].join(' ');
    if (command !== 'node main.js migrate')
      problems.push(`${ref(job)} container ${container.name}: runs "${command}", not "node main.js migrate"`);
  }
  return problems;
}

export function workloadProblems(manifests: readonly Manifest[], context: RuleContext): string[] {
  const deployments = ofKind<PodOwner>(manifests, 'Deployment');
  const jobs = ofKind<PodOwner>(manifests, 'Job');
  return [
    ...deployments.flatMap((deployment) => deploymentProblems(deployment, deployments)),
    ...jobs.flatMap(migrationJobProblems),
    ...[...deployments, ...jobs].flatMap((owner) =>
      containersOf(owner.spec.template.spec).flatMap((container) => containerProblems(owner, container, context, manifests)),
    ),
  ];
}

/** Services, PDBs, HPAs, NetworkPolicies and ServiceMonitors each point at what exists. */
export function referenceProblems(manifests: readonly Manifest[]): string[] {
  const problems: string[] = [];
  const deployments = ofKind<PodOwner>(manifests, 'Deployment');
  const services = ofKind<Selecting>(manifests, 'Service');
  const selected = (selector: Record<string, string> | undefined) =>
    deployments.filter((deployment) => matches(selector, deployment.spec.template.metadata?.labels));
  for (const service of services) {
    // A Service's selector is a plain label map, not a LabelSelector.
    const targets = selected(service.spec.selector as Record<string, string> | undefined);
    if (targets.length !== 1) {
      problems.push(`${ref(service)}: selector matches ${targets.length} Deployments, expected 1`);
      continue;
    }
    const portNames = new Set(
      targets[0]?.spec.template.spec.containers.flatMap((container) => container.ports ?? []).map((port) => port.name),
    );
    for (const port of service.spec.ports ?? []) {
      if (typeof port.targetPort === 'string' && !portNames.has(port.targetPort))
        problems.push(`${ref(service)}: targetPort ${port.targetPort} is not a port of ${ref(targets[0] as Manifest)}`);
    }
  }
  for (const pdb of ofKind<Selecting>(manifests, 'PodDisruptionBudget')) {
    const targets = selected(pdb.spec.selector?.matchLabels);
    if (targets.length !== 1) problems.push(`${ref(pdb)}: selector matches ${targets.length} Deployments, expected 1`);
  }
  for (const hpa of ofKind<Selecting>(manifests, 'HorizontalPodAutoscaler')) {
    const target = deployments.find((deployment) => deployment.metadata.name === hpa.spec.scaleTargetRef?.name);
    if (!target) problems.push(`${ref(hpa)}: scaleTargetRef ${hpa.spec.scaleTargetRef?.name} is not a rendered Deployment`);
    else if (target.spec.replicas !== undefined) problems.push(`${ref(hpa)}: ${ref(target)} sets replicas although an HPA owns it`);
    if (!((hpa.spec.minReplicas ?? 1) <= hpa.spec.maxReplicas)) problems.push(`${ref(hpa)}: minReplicas > maxReplicas`);
  }
  for (const policy of ofKind<Policy>(manifests, 'NetworkPolicy')) {
    const targets = selected(policy.spec.podSelector?.matchLabels);
    if (targets.length !== 1) {
      problems.push(`${ref(policy)}: podSelector matches ${targets.length} Deployments, expected 1`);
      continue;
    }
    const portNames = new Set(
      targets[0]?.spec.template.spec.containers.flatMap((container) => container.ports ?? []).map((port) => port.name),
    );
    const named = (policy.spec.ingress ?? []).flatMap((rule) => rule.ports ?? []).filter((port) => typeof port.port === 'string');
    for (const port of named)
      if (!portNames.has(port.port as string)) problems.push(`${ref(policy)}: ingress port ${port.port} is not a named port`);
  }
  for (const monitor of ofKind<Selecting>(manifests, 'ServiceMonitor')) {
    const targets = services.filter((service) => matches(monitor.spec.selector?.matchLabels, service.metadata.labels));
    if (targets.length === 0) problems.push(`${ref(monitor)}: selects no Service`);
    for (const endpoint of monitor.spec.endpoints ?? []) {
      const without = targets.filter((service) => !(service.spec.ports ?? []).some((port) => port.name === endpoint.port));
      if (without.length > 0) problems.push(`${ref(monitor)}: port ${endpoint.port} missing on ${without.map(ref).join(', ')}`);
    }
  }
  return problems;
}

/** The projector's replicas (or its HPA's maximum) never exceed the partitions the Kafka ConfigMap declares. */
export function partitionProblems(manifests: readonly Manifest[]): string[] {
  const projector = ofKind<PodOwner>(manifests, 'Deployment').find(
    (deployment) => deployment.metadata.labels?.['app.kubernetes.io/component'] === 'projector',
  );
  const partitions = ofKind<DataObject>(manifests, 'ConfigMap')
    .map((configMap) => configMap.data?.['KAFKA_TOPIC_PARTITIONS'])
    .find((value) => value !== undefined);
  if (!projector) return [];
  if (partitions === undefined) return ['no ConfigMap sets KAFKA_TOPIC_PARTITIONS for the projector'];
  const replicas = projector.spec.replicas ?? 1;
  return replicas > Number(partitions) ? [`${ref(projector)}: ${replicas} replicas for ${partitions} partitions`] : [];
}

/** Every rule above. */
export function manifestProblems(manifests: readonly Manifest[], context: RuleContext): string[] {
  return [
    ...namingProblems(manifests, context),
    ...workloadProblems(manifests, context),
    ...referenceProblems(manifests),
    ...partitionProblems(manifests),
  ];
}
