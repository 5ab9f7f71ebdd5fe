import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

interface ProfileNode {
  readonly id: number;
  readonly callFrame: { readonly functionName: string; readonly url: string; readonly lineNumber: number };
  readonly hitCount?: number;
}

interface CpuProfile {
  readonly nodes: readonly ProfileNode[];
  readonly startTime: number;
  readonly endTime: number;
  readonly samples: readonly number[];
}

export interface ProfileLine {
  readonly what: string;
  readonly selfMs: number;
  readonly share: number;
}

/** Where a frame's code comes from: a package, node itself, the app bundle, or the VM (GC, idle). */
function originOf(url: string, functionName: string): string {
  const pkg = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(url);
  if (pkg) return pkg[1] ?? 'node_modules';
  if (url.startsWith('node:')) return 'node';
  if (url === '') return `(${functionName || 'vm'})`;
  return 'app';
}

/** Self time per origin and the hottest functions of one `--cpu-prof` profile. */
export function summariseProfile(file: string, top = 12): { origins: ProfileLine[]; functions: ProfileLine[] } {
  const profile = JSON.parse(readFileSync(file, 'utf8')) as CpuProfile;
  const msPerSample = (profile.endTime - profile.startTime) / 1000 / Math.max(1, profile.samples.length);
  const origins = new Map<string, number>();
  const functions = new Map<string, number>();
  let total = 0;
  for (const node of profile.nodes) {
    const hits = node.hitCount ?? 0;
    if (hits === 0) continue;
    const { functionName, url, lineNumber } = node.callFrame;
    const origin = originOf(url, functionName);
    const where = url === '' ? '' : ` ${url.replace(/^.*node_modules\//, '').replace(/^.*dist\/apps\//, '')}:${lineNumber + 1}`;
    origins.set(origin, (origins.get(origin) ?? 0) + hits);
    functions.set(`${functionName || '(anonymous)'}${where}`, (functions.get(`${functionName || '(anonymous)'}${where}`) ?? 0) + hits);
    total += hits;
  }
  const lines = (counts: Map<string, number>) =>
    [...counts]
      .sort((a, b) => b[1] - a[1])
      .slice(0, top)
      .map(([what, hits]) => ({ what, selfMs: Math.round(hits * msPerSample), share: Math.round((hits / total) * 1000) / 10 }));
  return { origins: lines(origins), functions: lines(functions) };
}

/** The `.cpuprofile` files node wrote into `dir` (one per process). */
export function profilesIn(dir: string): string[] {
  try {
    return readdirSync(dir)
      .filter((name) => name.endsWith('.cpuprofile'))
      .map((name) => join(dir, name));
  } catch {
    return [];
  }
}
