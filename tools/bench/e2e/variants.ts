import { join } from 'node:path';
import { PIPELINE_APPS, type PipelineApp, type PipelineAppOptions } from '@ledger/testing';

const ROOT = join(__dirname, '..', '..', '..');
const LOGS = join(ROOT, 'tmp', 'bench-e2e-logs');

/** One configuration of the four apps to measure; the others in the same run are its baselines. */
export interface Variant {
  readonly name: string;
  readonly description: string;
  /** Environment for every app, on top of the pipeline's. */
  readonly env: NodeJS.ProcessEnv;
  readonly apps?: Partial<Record<PipelineApp, PipelineAppOptions>>;
  /** Another build of the apps (its `dist` directory), e.g. of the commit before a change. */
  readonly distDir?: string;
}

export const VARIANTS: readonly Variant[] = [
  {
    name: 'defaults',
    description: 'the apps with their defaults, logging warnings and errors only (LOG_LEVEL=warn)',
    env: {},
  },
  {
    name: 'npm-start',
    description:
      'as `npm start` runs them for a person at a terminal: the default log level, every line pretty-printed and written to a log file',
    env: { LOG_LEVEL: 'info' },
    apps: Object.fromEntries(
      PIPELINE_APPS.map((app) => [
        app,
        { outputThrough: [process.execPath, join(ROOT, 'tools', 'app-output.mjs'), app, join(LOGS, `${app}.log`), '--terminal'] },
      ]),
    ),
  },
];

/** `variant` on the apps of another build: the "before" of a code change, configured the same way. */
export function onBaselineBuild(variant: Variant, distDir: string): Variant {
  return { ...variant, name: `before:${variant.name}`, description: `${variant.description}; the apps built in ${distDir}`, distDir };
}

export function variantsNamed(names: readonly string[]): Variant[] {
  return names.map((name) => {
    const variant = VARIANTS.find((v) => v.name === name);
    if (variant === undefined) throw new Error(`unknown variant ${name}; known: ${VARIANTS.map((v) => v.name).join(', ')}`);
    return variant;
  });
}
