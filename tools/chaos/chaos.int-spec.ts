import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { eventually } from '@ledger/testing';
import { TYPESCRIPT_NODE_ARGS } from '@ledger/tooling';
import { pidAlive } from './chaos.faults';
import type { ChaosReport, FaultRecord } from './chaos.report';
import { repoRoot } from './infra/repo-paths';

/**
 * The short chaos run of `npm test`: the real CLI as a process group of its own (its PostgreSQL,
 * broker, apps and load generator inside it), so that the group can be killed whatever happens.
 */
describe('npm run chaos (short)', () => {
  const workDir = mkdtempSync(join(tmpdir(), 'chaos-spec-'));
  const reportFile = join(workDir, 'report.json');
  let groupLeader: number | undefined;
  const output: string[] = [];

  afterAll(async () => {
    const leader = groupLeader;
    if (leader !== undefined && pidAlive(leader)) {
      process.kill(leader, 'SIGTERM');
      // A run that has not ended by then is killed below.
      await eventually(() => !pidAlive(leader), 60_000, 'the chaos run to end after SIGTERM', undefined, 500).catch(() => undefined);
    }
    // Whatever the run left behind (it ends its children itself; this is for a run that could not).
    if (groupLeader !== undefined) {
      try {
        process.kill(-groupLeader, 'SIGKILL');
      } catch {
        // the group is gone
      }
    }
    rmSync(workDir, { recursive: true, force: true });
  }, 90_000);

  function runChaos(args: readonly string[]): Promise<number | null> {
    const child = spawn(process.execPath, [...TYPESCRIPT_NODE_ARGS, 'tools/chaos/chaos.cli.ts', ...args], {
      cwd: repoRoot,
      // A shell's clean environment: the test runner's own (DATABASE_URL and the like) must not leak in.
      env: { PATH: process.env['PATH'] ?? '', HOME: process.env['HOME'] ?? '' },
      detached: true,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    groupLeader = child.pid;
    for (const stream of [child.stdout, child.stderr]) stream.on('data', (chunk: Buffer) => output.push(chunk.toString('utf8')));
    return new Promise((resolve) => child.once('exit', (code) => resolve(code)));
  }

  const confirmed = (fault: FaultRecord) =>
    fault.exit !== undefined &&
    fault.stoppedPid !== undefined &&
    fault.stoppedPidGone === true &&
    !pidAlive(fault.stoppedPid) &&
    fault.newPid !== undefined &&
    fault.newPid !== fault.stoppedPid &&
    fault.readyAtSeconds !== undefined &&
    fault.error === undefined;

  it('given kills of every app, a broker and a database restart under load, then nothing acknowledged is lost, doubled or reordered', async () => {
    const code = await runChaos([
      '--duration',
      '50',
      '--rate',
      '20',
      '--accounts',
      '40',
      '--kills',
      '3',
      '--seed',
      '20261128',
      '--converge-timeout',
      '240',
      '--skip-build',
      '--json',
      reportFile,
    ]);
    const log = output.join('');
    if (code !== 0) process.stdout.write(`${log.slice(-30_000)}\n`);
    const report = JSON.parse(readFileSync(reportFile, 'utf8')) as ChaosReport & { violations: string[] };

    expect({ code, violations: report.violations }).toEqual({ code: 0, violations: [] });
    const faults = report.faults.filter(confirmed);
    for (const role of ['command', 'relay', 'projector']) {
      expect(faults.filter((fault) => fault.kind === 'kill' && fault.role === role && fault.exit === 'signal SIGKILL')).not.toHaveLength(0);
    }
    expect(faults.filter((fault) => fault.kind === 'restart-kafka' && fault.exit === 'signal SIGKILL')).toHaveLength(1);
    expect(faults.filter((fault) => fault.kind === 'restart-postgres')).toHaveLength(1);
    expect(report.faults.some((fault) => fault.kind === 'scale-out' && fault.error === undefined)).toBe(true);
    expect(report.load?.acknowledged).toBeGreaterThan(0);
    expect(report.convergence?.quiet).toBe(true);
    expect(report.relayed).toMatchObject({ missing: 0, violations: [] });
    expect(report.verify?.exitCode).toBe(0);
    // verify --acks found every acknowledged command of the load's log.
    expect(Number(/(\d+) acknowledged commands?/.exec(report.verify?.output ?? '')?.[1])).toBe(report.load?.acknowledged);
    expect(log).toContain('result: PASS');
  }, 1_800_000);
});
