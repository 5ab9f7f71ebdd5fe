import type { PipelineApp, PipelineAppOptions } from '@ledger/testing';

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
    description: 'the apps with their defaults, as `npm start` runs them',
    env: {},
  },
];

/** The apps of another build, as they are configured by default: the "before" of a code change. */
export function baselineBuild(distDir: string): Variant {
  return { name: 'baseline', description: `the apps built in ${distDir}, with their defaults`, env: {}, distDir };
}

export function variantsNamed(names: readonly string[]): Variant[] {
  return names.map((name) => {
    const variant = VARIANTS.find((v) => v.name === name);
    if (variant === undefined) throw new Error(`unknown variant ${name}; known: ${VARIANTS.map((v) => v.name).join(', ')}`);
    return variant;
  });
}
