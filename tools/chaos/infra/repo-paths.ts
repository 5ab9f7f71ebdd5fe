import { join } from 'node:path';
import { repoRoot } from '@ledger/tooling';

export { repoRoot };
/** Everything a chaos run writes (broker data, logs) lives under here: git-ignored, disposable. */
export const chaosLocalDir = join(repoRoot, 'tools', '.local', 'chaos');
/** Shared with tools/lib/kafka.mjs: the broker jars it resolves from Maven Central, and its config templates. */
export const kafkaJarsDir = join(repoRoot, 'tools', '.local', 'kafka', 'libs');
export const kafkaConfigDir = join(repoRoot, 'tools', 'kafka');
