import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import { collectDefaultMetrics, Registry } from 'prom-client';
import * as ts from 'typescript';

const repoRoot = resolve(__dirname, '../..');
const METRIC_CLASSES = new Set(['Counter', 'Gauge', 'Histogram', 'Summary']);

export type MetricType = 'counter' | 'gauge' | 'histogram' | 'summary';

export interface MetricDefinition {
  readonly name: string;
  readonly type: MetricType;
  /** `apps/relay/src/relay/relay.metrics.ts`, or `prom-client default metrics`. */
  readonly definedIn: string;
}

function sourceFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((entry) => {
    const path = join(dir, entry);
    if (statSync(path).isDirectory()) return sourceFiles(path);
    return path.endsWith('.ts') && !/\.(spec|int-spec|e2e-spec)\.ts$/.test(path) ? [path] : [];
  });
}

/** `new Counter({ name: 'ledger_x_total', ... })` and its kin in one source file. */
function definitionsIn(file: string): MetricDefinition[] {
  const text = readFileSync(file, 'utf8');
  if (!/new (Counter|Gauge|Histogram|Summary)\b/.test(text)) return [];
  const source = ts.createSourceFile(file, text, ts.ScriptTarget.Latest, true);
  const found: MetricDefinition[] = [];
  const visit = (node: ts.Node) => {
    if (ts.isNewExpression(node) && ts.isIdentifier(node.expression) && METRIC_CLASSES.has(node.expression.text)) {
      const options = node.arguments?.[0];
      const name =
        options && ts.isObjectLiteralExpression(options)
          ? options.properties.find(
              (property): property is ts.PropertyAssignment =>
                ts.isPropertyAssignment(property) && property.name.getText(source) === 'name',
            )
          : undefined;
      if (name && ts.isStringLiteralLike(name.initializer)) {
        found.push({
          name: name.initializer.text,
          type: node.expression.text.toLowerCase() as MetricType,
          definedIn: relative(repoRoot, file),
        });
      }
    }
    ts.forEachChild(node, visit);
  };
  visit(source);
  return found;
}

/** prom-client's default process and Node.js metrics, which every app registers (MetricsRegistry). */
async function defaultMetrics(): Promise<MetricDefinition[]> {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry });
  const metrics = await registry.getMetricsAsJSON();
  registry.clear();
  return metrics.map((metric) => ({
    name: metric.name,
    type: String(metric.type) as MetricType,
    definedIn: 'prom-client default metrics',
  }));
}

/** Every metric the apps can expose: read from the sources of apps/ and libs/, plus prom-client's defaults. */
export async function metricDefinitions(): Promise<MetricDefinition[]> {
  const roots = ['apps', 'libs'].flatMap((top) =>
    readdirSync(join(repoRoot, top))
      .map((project) => join(repoRoot, top, project, 'src'))
      .filter((dir) => statSync(dir, { throwIfNoEntry: false })?.isDirectory()),
  );
  return [...roots.flatMap(sourceFiles).flatMap(definitionsIn), ...(await defaultMetrics())];
}

/** The series names a definition exposes: a histogram's _bucket/_sum/_count, a summary's _sum/_count. */
export function seriesNames(definitions: readonly MetricDefinition[]): Set<string> {
  return new Set(
    definitions.flatMap(({ name, type }) => {
      if (type === 'histogram') return [`${name}_bucket`, `${name}_sum`, `${name}_count`];
      if (type === 'summary') return [name, `${name}_sum`, `${name}_count`];
      return [name];
    }),
  );
}
