import { cpus, loadavg, totalmem } from 'node:os';
import { Client } from 'pg';

export interface MachineInfo {
  readonly date: string;
  readonly cpus: number;
  readonly cpuModel: string;
  readonly memoryGiB: number;
  readonly loadAverage1m: number;
  readonly node: string;
  readonly postgres: string;
  readonly synchronousCommit: string;
}

/** What a reader needs to compare two result files: the machine, the runtimes, the durability setting. */
export async function machineInfo(databaseUrl: string): Promise<MachineInfo> {
  const client = new Client({ connectionString: databaseUrl });
  await client.connect();
  try {
    const version = await client.query<{ server_version: string }>('SHOW server_version');
    const sync = await client.query<{ synchronous_commit: string }>('SHOW synchronous_commit');
    const all = cpus();
    return {
      date: new Date().toISOString(),
      cpus: all.length,
      cpuModel: all[0]?.model ?? 'unknown',
      memoryGiB: Math.round((totalmem() / 2 ** 30) * 10) / 10,
      loadAverage1m: Math.round((loadavg()[0] ?? 0) * 100) / 100,
      node: process.version,
      postgres: version.rows[0]?.server_version ?? 'unknown',
      synchronousCommit: sync.rows[0]?.synchronous_commit ?? 'unknown',
    };
  } finally {
    await client.end();
  }
}
