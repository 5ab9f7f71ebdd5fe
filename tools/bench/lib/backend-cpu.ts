import { Client } from 'pg';
import { processCpuSeconds } from './process-cpu';

/**
 * CPU used by the PostgreSQL backends serving one database, read from /proc (so only when the
 * server runs on this machine). Shared server processes (WAL writer, checkpointer) are not counted.
 */
export class BackendCpu {
  private start = new Map<number, number>();

  private constructor(
    private readonly client: Client,
    private readonly database: string,
  ) {}

  static async open(url: string, database: string): Promise<BackendCpu> {
    const client = new Client({
      connectionString: url,
      application_name: 'bench-observer',
    });
    await client.connect();
    return new BackendCpu(client, database);
  }

  private async sample(): Promise<Map<number, number>> {
    const { rows } = await this.client.query<{ pid: number }>(
      `SELECT pid FROM pg_stat_activity WHERE datname = $1 AND pid <> pg_backend_pid()`,
      [this.database],
    );
    const cpu = new Map<number, number>();
    for (const { pid } of rows) {
      const seconds = processCpuSeconds(pid);
      if (seconds !== null) cpu.set(pid, seconds);
    }
    return cpu;
  }

  async begin(): Promise<void> {
    this.start = await this.sample();
  }

  /** CPU seconds since begin(); a backend that started meanwhile counts from zero. Null if none was readable. */
  async end(): Promise<number | null> {
    const now = await this.sample();
    if (now.size === 0) return null;
    let total = 0;
    for (const [pid, seconds] of now) total += seconds - (this.start.get(pid) ?? 0);
    return total;
  }

  close(): Promise<void> {
    return this.client.end();
  }
}
