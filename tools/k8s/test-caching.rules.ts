import { execFileSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

const repoRoot = resolve(__dirname, '../..');

/** Specs that talk to a real Postgres, Kafka or app over HTTP: their outcome is not a function of the sources. */
export const INFRASTRUCTURE_SPEC = /\.(int|e2e)-spec\.ts$/;

export interface ProjectTests {
  readonly name: string;
  /** The project's spec files, relative to its root. */
  readonly specs: readonly string[];
  /** Whether Nx may replay the project's `test` target from its cache; undefined when it has none. */
  readonly testCached: boolean | undefined;
}

/**
 * The projects whose `test` target Nx would replay from its cache although it runs integration or e2e
 * specs: the cache lives outside the checkout, so a second clone would report the first one's passes.
 */
export function cachedTestsWithInfrastructure(projects: readonly ProjectTests[]): string[] {
  return projects
    .filter((project) => project.testCached === true && project.specs.some((spec) => INFRASTRUCTURE_SPEC.test(spec)))
    .map((project) => project.name);
}

/** Every project as Nx resolves it (project.json, the plugins' inferred targets and nx.json's defaults), with its specs on disk. */
export function workspaceProjectTests(): ProjectTests[] {
  const dir = mkdtempSync(join(tmpdir(), 'nx-graph-'));
  try {
    const file = join(dir, 'graph.json');
    execFileSync('npx', ['nx', 'graph', `--file=${file}`], {
      cwd: repoRoot,
      env: { ...process.env, NX_DAEMON: 'false' },
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    const graph = JSON.parse(readFileSync(file, 'utf8')) as {
      graph: { nodes: Record<string, { data: { root: string; targets?: Record<string, { cache?: boolean }> } }> };
    };
    return Object.entries(graph.graph.nodes).map(([name, { data }]) => ({
      name,
      specs: specsUnder(join(repoRoot, data.root)),
      testCached: data.targets?.['test'] === undefined ? undefined : data.targets['test'].cache === true,
    }));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

function specsUnder(dir: string, prefix = ''): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    if (entry.name === 'node_modules' || entry.name.startsWith('.')) return [];
    const path = prefix === '' ? entry.name : `${prefix}/${entry.name}`;
    if (entry.isDirectory()) return specsUnder(join(dir, entry.name), path);
    return /\.(spec|int-spec|e2e-spec)\.ts$/.test(entry.name) ? [path] : [];
  });
}
