import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { CHART_DIR, type Manifest, renderChart } from '@ledger/testing';
import type { ChartFacts } from './compose.rules';

interface ChartDefaults {
  readonly apps: Record<string, { readonly port: number }>;
}
interface PodOwner extends Manifest {
  readonly spec: {
    readonly template: {
      readonly spec: {
        readonly containers: ReadonlyArray<{ readonly image?: string }>;
        readonly initContainers?: ReadonlyArray<{ readonly image?: string }>;
      };
    };
  };
}

/** The chart's default values (k8s/ledger/values.yaml). */
export function chartDefaults(): ChartDefaults {
  return parse(readFileSync(join(CHART_DIR, 'values.yaml'), 'utf8')) as ChartDefaults;
}

/** Ports from values.yaml; the apps whose image the migration Job runs, from a default render. */
export async function chartFacts(): Promise<ChartFacts> {
  const ports = Object.fromEntries(Object.entries(chartDefaults().apps).map(([app, values]) => [app, values.port]));
  const manifests = (await renderChart({ valuesFiles: ['ci/default-values.yaml'] })) as PodOwner[];
  const appOfImage = new Map(
    manifests
      .filter((manifest) => manifest.kind === 'Deployment')
      .map((deployment) => [
        deployment.spec.template.spec.containers[0]?.image,
        deployment.metadata.labels?.['app.kubernetes.io/component'] ?? '',
      ]),
  );
  const job = manifests.find((manifest) => manifest.kind === 'Job');
  const jobImages = job
    ? [...(job.spec.template.spec.initContainers ?? []), ...job.spec.template.spec.containers].map((container) => container.image)
    : [];
  return { ports, migratingApps: jobImages.map((image) => appOfImage.get(image) ?? `unknown image ${image}`) };
}
