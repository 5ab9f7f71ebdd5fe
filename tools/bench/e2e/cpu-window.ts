import { cpus } from 'node:os';
import type { Pipeline, PipelineApp } from '@ledger/testing';
import { BackendCpu } from '../lib/backend-cpu';
import { busyShare, usedSince, type MachineTicks } from '../lib/proc-stat';
import { everyProcessCpuSeconds, listenerProcess, machineTicks, processCpuSeconds } from '../lib/process-cpu';
import { accountCpu, type CpuAccount } from './cpu-table';

interface Reading {
  readonly at: number;
  readonly machine: MachineTicks | null;
  readonly processes: ReadonlyMap<string, number | null>;
  /** Every process on the machine, by pid: the listed ones are taken out later. */
  readonly everyProcess: ReadonlyMap<number, number>;
}

/**
 * Reads the CPU of every process serving the run (the apps, this load generator, the Kafka broker,
 * and Postgres: the bench database's backends plus the server's background processes) and the
 * machine's busy time, at the start and end of the measured window (from the first command sent
 * until the last one is answered). The broker and Postgres' background processes also serve whatever
 * else uses them on this machine; other databases' backends are left to "unaccounted".
 */
export class CpuWindow {
  private start: Reading | null = null;

  private constructor(
    private readonly pids: ReadonlyMap<string, readonly number[] | null>,
    private readonly postgres: BackendCpu,
  ) {}

  static async open(
    pipeline: Pipeline,
    apps: readonly PipelineApp[],
    databaseUrl: string,
    database: string,
    brokers: string,
  ): Promise<CpuWindow> {
    const pid = (n: number | null | undefined) => (n === null || n === undefined ? null : [n]);
    const pids = new Map<string, readonly number[] | null>(apps.map((app) => [app, pid(pipeline[app].process.pid)]));
    const outputs = apps.flatMap((app) => pipeline[app].outputProcess?.pid ?? []);
    if (outputs.length > 0) pids.set('log output (as npm start)', outputs);
    pids.set('load generator', [process.pid]);
    pids.set('kafka broker', pid(listenerProcess(Number(brokers.split(',')[0]?.split(':')[1]))));
    return new CpuWindow(pids, await BackendCpu.open(databaseUrl, database, { serverProcesses: true }));
  }

  private read(): Reading {
    const processes = new Map<string, number | null>();
    for (const [name, pids] of this.pids) processes.set(name, pids === null ? null : sumOrNull(pids.map(processCpuSeconds)));
    return { at: performance.now(), machine: machineTicks(), processes, everyProcess: everyProcessCpuSeconds() };
  }

  async begin(): Promise<void> {
    await this.postgres.begin();
    this.start = this.read();
  }

  async end(commands: number): Promise<CpuAccount> {
    const end = this.read();
    const postgres = await this.postgres.end();
    const start = this.start ?? end;
    const used = [...end.processes].map(([name, seconds]) => {
      const before = start.processes.get(name);
      return { process: name, cpuSeconds: seconds === null || before === null || before === undefined ? null : seconds - before };
    });
    return accountCpu([...used, { process: 'postgres', cpuSeconds: postgres }], {
      seconds: (end.at - start.at) / 1000,
      commands,
      cpus: cpus().length,
      machineBusyShare: start.machine === null || end.machine === null ? null : busyShare(start.machine, end.machine),
      everyProcessSeconds: usedSince(start.everyProcess, end.everyProcess),
    });
  }

  close(): Promise<void> {
    return this.postgres.close();
  }
}

function sumOrNull(values: readonly (number | null)[]): number | null {
  return values.some((v) => v === null) ? null : values.reduce<number>((sum, v) => sum + (v ?? 0), 0);
}
