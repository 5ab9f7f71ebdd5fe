export * from './command-line-values';
export * from './seeded-random';
export * from './ports';
export * from './managed-process';
export * from './postgres-server';
export * from './workspace-typescript';
export * from './prometheus-text';
