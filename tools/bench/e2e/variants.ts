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

/**
 * The variants named, each optionally with settings of its own for every app after a `+`
 * (`defaults+RELAY_LINGER_MS=20+PROJECTOR_FETCH_MAX_WAIT_MS=10`), to compare settings in one run.
 */
export function variantsNamed(names: readonly string[]): Variant[] {
  return names.map((spec) => {
    const [name = '', ...settings] = spec.split('+');
    const variant = VARIANTS.find((v) => v.name === name);
    if (variant === undefined) throw new Error(`unknown variant ${name}; known: ${VARIANTS.map((v) => v.name).join(', ')}`);
    if (settings.length === 0) return variant;
    const env = Object.fromEntries(settings.map(setting));
    return { ...variant, name: spec, description: `${variant.description}; with ${settings.join(', ')}`, env: { ...variant.env, ...env } };
  });
}

function setting(text: string): [string, string] {
  const match = /^([A-Z][A-Z0-9_]*)=(.*)$/.exec(text);
  if (match === null) throw new Error(`a variant's setting is NAME=value, got ${text}`);
  return [match[1] as string, match[2] as string];
}
