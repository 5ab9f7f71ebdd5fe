import { Client } from 'pg';
import { usedSince } from './proc-stat';
import { childProcesses, processCpuSeconds, processIdentity } from './process-cpu';

export interface BackendCpuOptions {
  /**
   * Also count the server's shared processes (the postmaster and its background processes: WAL
   * writer, checkpointer, autovacuum, ...), so that the figure is everything the server spent on
   * this database. Backends of other databases stay out either way.
   */
  readonly serverProcesses?: boolean;
}

export interface ActivityRow {
  readonly pid: number;
  readonly datname: string | null;
}

/**
 * The postmaster's processes that serve one database: its own backends and the shared ones (no
 * database), never another database's backends, nor the observer's own connection.
 */
export function serverProcessesFor(
  postmaster: number,
  children: readonly number[],
  activity: readonly ActivityRow[],
  database: string,
  observer: number,
): number[] {
  const elsewhere = new Set(activity.filter((a) => a.datname !== null && a.datname !== database).map((a) => a.pid));
  return [postmaster, ...children].filter((pid) => pid !== observer && !elsewhere.has(pid));
}

/**
 * CPU used by the PostgreSQL backends serving one database (and with `serverProcesses`, the shared
 * server processes), read from /proc, so only when the server runs on this machine. A backend that
 * exits before end() is not counted.
 */
export class BackendCpu {
  private start = new Map<number, number>();

  private constructor(
    private readonly client: Client,
    private readonly database: string,
    /** Set when the shared processes count too and the server is on this machine. */
    private readonly postmaster: number | null,
  ) {}

  static async open(url: string, database: string, options: BackendCpuOptions = {}): Promise<BackendCpu> {
    const client = new Client({
      connectionString: url,
      application_name: 'bench-observer',
    });
    await client.connect();
    const postmaster = options.serverProcesses === true ? await postmasterOf(client) : null;
    return new BackendCpu(client, database, postmaster);
  }

  private async pids(): Promise<number[]> {
    if (this.postmaster === null) {
      const { rows } = await this.client.query<{ pid: number }>(
        `SELECT pid FROM pg_stat_activity WHERE datname = $1 AND pid <> pg_backend_pid()`,
        [this.database],
      );
      return rows.map((r) => r.pid);
    }
    const { rows } = await this.client.query<ActivityRow & { observer: number }>(
      `SELECT pid, datname, pg_backend_pid() AS observer FROM pg_stat_activity`,
    );
    return serverProcessesFor(this.postmaster, childProcesses(this.postmaster), rows, this.database, rows[0]?.observer ?? -1);
  }

  private async sample(): Promise<Map<number, number>> {
    const cpu = new Map<number, number>();
    for (const pid of await this.pids()) {
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
    return usedSince(this.start, now);
  }

  close(): Promise<void> {
    return this.client.end();
  }
}

/** Every backend is a child of the postmaster; null unless that backend is a visible local postgres. */
async function postmasterOf(client: Client): Promise<number | null> {
  const { rows } = await client.query<{ pid: number }>('SELECT pg_backend_pid() AS pid');
  const backend = processIdentity(rows[0]?.pid ?? -1);
  return backend?.command === 'postgres' ? backend.ppid : null;
}
