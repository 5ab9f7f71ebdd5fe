import { join, resolve } from 'node:path';

export const repoRoot = resolve(__dirname, '..', '..', '..');
/** Everything a chaos run writes (databases, broker data, logs) lives under here: git-ignored, disposable. */
export const chaosLocalDir = join(repoRoot, 'tools', '.local', 'chaos');
/** Shared with tools/lib/kafka.mjs: the broker jars it resolves from Maven Central, and its config templates. */
export const kafkaJarsDir = join(repoRoot, 'tools', '.local', 'kafka', 'libs');
export const kafkaConfigDir = join(repoRoot, 'tools', 'kafka');
