import { resolve } from 'node:path';

export const repoRoot = resolve(__dirname, '..', '..', '..');

/**
 * How a workspace TypeScript tool runs from source, as package.json's scripts run them: swc strips the
 * types and @ledger/* resolves through the root tsconfig.json, read from the working directory (the
 * repository root).
 */
export const TYPESCRIPT_NODE_ARGS: readonly string[] = ['-r', '@swc-node/register'];
