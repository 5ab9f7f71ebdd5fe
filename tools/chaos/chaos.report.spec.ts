import { formatReport, violationsOf, type ChaosReport, type FaultRecord } from './chaos.report';

const kill = (role: 'command' | 'relay' | 'projector', overrides: Partial<FaultRecord> = {}): FaultRecord => ({
  kind: 'kill',
  target: `${role}-1`,
  role,
  plannedAtSeconds: 10,
  atSeconds: 10,
  stoppedPid: 100,
  exit: 'signal SIGKILL',
  stoppedPidGone: true,
  downMs: 500,
  newPid: 200,
  readyAtSeconds: 14,
  ...overrides,
});

const restart = (kind: 'restart-kafka' | 'restart-postgres'): FaultRecord => ({ ...kill('command'), kind, role: undefined, target: kind });

const MONEY_CONSERVED = [
  'Money in the event store: EUR balances 910 (deposits 1,010 - withdrawals 100).',
  'No differences: the read model agrees with the event store, and money is conserved.',
].join('\n');

const relayed = { messages: 30, duplicates: 2, storedEvents: 28, streams: 5, missing: 0, violations: [] };

const passing: ChaosReport = {
  seed: 1,
  durationSeconds: 60,
  rate: 20,
  runDir: '/tmp/run',
  load: {
    exitCode: 0,
    summary: {
      sent: 10,
      acknowledged: 8,
      refused: 2,
      failed: 0,
      unknown: 0,
      byKind: { transfer: { acknowledged: 3 }, hold: { acknowledged: 2 }, post: { acknowledged: 1 }, void: { acknowledged: 1 } },
    },
    acknowledged: 8,
    unknownOutcome: 0,
    unreadableLines: 0,
  },
  faults: [
    kill('command'),
    kill('relay'),
    kill('projector'),
    restart('restart-kafka'),
    restart('restart-postgres'),
    { kind: 'scale-out', target: 'relay-2 + projector-2', plannedAtSeconds: 5, atSeconds: 5 },
  ],
  crashes: [],
  convergence: {
    quiet: true,
    loadEndedAtSeconds: 70,
    lastFaultAtSeconds: 40,
    quietAtSeconds: 73,
    lastSample: { relayLag: 0, consumerLag: 0 },
  },
  relayed,
  verify: { exitCode: 0, output: MONEY_CONSERVED },
};

describe('violationsOf', () => {
  it('given every fault confirmed, a quiet pipeline and clean checks, then there is none', () => {
    expect(violationsOf(passing)).toEqual([]);
  });

  it('given a killed pid still alive, or no successor ready, then the fault is not confirmed and its kind is missing', () => {
    const faults = [
      kill('command', { stoppedPidGone: false }),
      kill('relay', { readyAtSeconds: undefined }),
      kill('projector', { newPid: 100 }),
      ...passing.faults.slice(3),
    ];
    expect(violationsOf({ ...passing, faults })).toEqual([
      'kill command-1 at 10 s not confirmed: pid 100 did not die',
      'kill relay-1 at 10 s not confirmed: no new process answered ready',
      'kill projector-1 at 10 s not confirmed: no new process answered ready',
      'missing: a kill -9 of the command service',
      'missing: a kill -9 of a relay',
      'missing: a kill -9 of a projector',
    ]);
  });

  it('given a fault that failed, or one after the load ended, then each is a violation', () => {
    const faults = [
      ...passing.faults.slice(0, 3),
      { ...restart('restart-kafka'), error: 'not ready' },
      { ...restart('restart-postgres'), atSeconds: 71 },
    ];
    expect(violationsOf({ ...passing, faults })).toEqual([
      'restart-kafka restart-kafka at 10 s not confirmed: not ready',
      'missing: a Kafka broker restart',
      'restart-postgres restart-postgres at 71 s came after the load ended (70 s)',
    ]);
  });

  it('given no acknowledged command, a failed load or a damaged acknowledgement log, then each is a violation', () => {
    const load = { exitCode: 1, summary: undefined, acknowledged: 0, unknownOutcome: 3, unreadableLines: 2 };
    expect(violationsOf({ ...passing, load })).toEqual([
      'the load generator exited with code 1',
      'no command was acknowledged',
      '2 unreadable lines in the acknowledgement log',
    ]);
  });

  it('given a pipeline that never got quiet, a topic out of order and verify differences, then each is a violation', () => {
    const report: ChaosReport = {
      ...passing,
      convergence: { quiet: false, loadEndedAtSeconds: 70, lastFaultAtSeconds: 40, lastSample: { relayLag: 3 } },
      relayed: { ...relayed, missing: 1, violations: ['a@2: stored (event e) but never relayed'] },
      verify: {
        exitCode: 4,
        output: 'Money in the event store: EUR balances 5 (deposits 5 - withdrawals 0).\n1 difference: 1 account-field.',
      },
    };
    expect(violationsOf(report)).toEqual([
      'the pipeline never became quiet (relay lag 3, consumer lag unknown)',
      'topic: a@2: stored (event e) but never relayed',
      'ledger verify --acks exited with code 4',
    ]);
  });

  it('given verify finding money not conserved, or not checking it, then each is a violation', () => {
    const unconserved =
      'Money in the event store: EUR balances 9 (deposits 10 - withdrawals 0).\n3 differences: 2 conservation, 1 transfer.';
    expect(violationsOf({ ...passing, verify: { exitCode: 4, output: unconserved } })).toEqual([
      'ledger verify --acks exited with code 4',
      'money not conserved: 2 conservation and 1 transfer differences',
    ]);
    expect(violationsOf({ ...passing, verify: { exitCode: 0, output: 'No differences.' } })).toEqual([
      'ledger verify did not check that money is conserved (no sums per currency)',
    ]);
  });

  it('given traffic without an acknowledged transfer or hold, then each is a violation', () => {
    const load = {
      exitCode: 0,
      acknowledged: 8,
      unknownOutcome: 0,
      unreadableLines: 0,
      summary: { byKind: { transfer: { acknowledged: 0 }, hold: { acknowledged: 0 } } },
    };
    expect(violationsOf({ ...passing, load })).toEqual(['no transfer was acknowledged', 'no hold was acknowledged']);
  });

  it('given a run that stopped early, then that is said, and whatever did not happen is missing', () => {
    const report: ChaosReport = {
      seed: 1,
      durationSeconds: 60,
      rate: 20,
      runDir: '/tmp/run',
      faults: [],
      crashes: [],
      aborted: 'command migrate failed',
    };
    expect(violationsOf(report)).toEqual([
      'the run stopped early: command migrate failed',
      'missing: a kill -9 of the command service',
      'missing: a kill -9 of a relay',
      'missing: a kill -9 of a projector',
      'missing: a Kafka broker restart',
      'missing: a PostgreSQL restart',
      'the load did not run',
    ]);
  });
});

describe('formatReport', () => {
  it('given a passing run, then the summary has the counts, every fault with its pids, the convergence and the verdict', () => {
    const text = formatReport(passing, []);
    expect(text).toContain('commands: sent 10, acknowledged 8, refused 2, failed 0, unknown 0');
    expect(text).toContain('events: 28 stored over 5 accounts; topic: 30 messages, 2 duplicates, 0 missing');
    expect(text).toContain('kill -9 command-1, pid 100 ended by signal SIGKILL, down 0.5 s, pid 200 ready at 14.0 s');
    expect(text).toContain('converged: quiet at 73.0 s, 3.0 s after the load stopped, 33.0 s after the last fault');
    expect(text).toContain('transfers acknowledged: 3 immediate, 2 holds, 1 posts, 1 voids');
    expect(text).toContain('  | No differences: the read model agrees with the event store, and money is conserved.');
    expect(text.endsWith('result: PASS')).toBe(true);
  });

  it('given violations, then the verdict lists them', () => {
    expect(formatReport(passing, ['no command was acknowledged']).endsWith('result: FAIL\n  - no command was acknowledged')).toBe(true);
  });
});
