import { formatLoadReport, latencySummary, LoadTally } from './load.report';

const PARAMETERS = { seed: 42, rate: 200, durationSeconds: 30, accounts: 500 };
const SCHEDULING = { started: 6, late: 2, maxDelayMs: 40.25, dropped: 1 };

function tally(): LoadTally {
  const t = new LoadTally();
  t.command('open', 'acknowledged', null, true);
  t.command('deposit', 'acknowledged', null, true);
  t.command('withdraw', 'refused', 'insufficient-funds', true);
  t.command('withdraw', 'refused', 'insufficient-funds', false);
  t.command('deposit', 'failed', 'connection-refused', false);
  t.command('close', 'unknown', 'timeout', false);
  for (const ms of [5, 1, 3, 2, 4, 100]) t.latency(ms);
  t.retry('replayed');
  t.retry('resolved');
  t.conditional(false, 201);
  t.conditional(true, 412);
  t.conditional(true, 503);
  return t;
}

describe('latencySummary', () => {
  it('given latencies, then nearest-rank percentiles and the maximum', () => {
    const latencies = Array.from({ length: 100 }, (_, i) => 100 - i);

    expect(latencySummary(latencies)).toEqual({ count: 100, p50: 50, p90: 90, p99: 99, max: 100 });
  });

  it('given none, then zeros rather than NaN (a JSON summary must stay JSON)', () => {
    expect(latencySummary([])).toEqual({ count: 0, p50: 0, p90: 0, p99: 0, max: 0 });
  });
});

describe('LoadTally', () => {
  it('given commands of every outcome, then counts in all and by kind, causes by outcome', () => {
    const summary = tally().summary(PARAMETERS, 30.5, SCHEDULING, false);

    expect(summary).toMatchObject({
      sent: 6,
      acknowledged: 2,
      refused: 2,
      failed: 1,
      unknown: 1,
      unexpectedAnswers: 3,
      lateStarts: 2,
      maxStartDelayMs: 40.25,
      dropped: 1,
    });
    expect(summary.byKind.withdraw).toEqual({ sent: 2, acknowledged: 0, refused: 2, failed: 0, unknown: 0 });
    expect(summary.byKind.freeze).toEqual({ sent: 0, acknowledged: 0, refused: 0, failed: 0, unknown: 0 });
    expect(summary.refusedByProblem).toEqual({ 'insufficient-funds': 2 });
    expect(summary.failedByCause).toEqual({ 'connection-refused': 1 });
    expect(summary.unknownByCause).toEqual({ timeout: 1 });
    expect(summary.idempotentRetries).toEqual({ sent: 2, replayed: 1, mismatched: 0, unanswered: 0, resolved: 1 });
    expect(summary.ifMatch).toEqual({ current: 1, stale: 2, staleRefused412: 1 });
    expect(summary.latencyMs).toEqual({ count: 6, p50: 3, p90: 100, p99: 100, max: 100 });
    expect(JSON.parse(JSON.stringify(summary))).toEqual(summary);
  });
});

describe('formatLoadReport', () => {
  it('given a summary, then what was sent, acknowledged, refused by type, failed, unknown, by kind, and the latency', () => {
    const text = formatLoadReport(tally().summary(PARAMETERS, 30.46, SCHEDULING, true));

    expect(text.split('\n')).toEqual([
      'Load: seed 42, 200 commands/s for 30 s over 500 accounts; ran 30.5 s (interrupted).',
      '',
      '  command        sent   acked refused  failed unknown',
      '  open              1       1       0       0       0',
      '  deposit           2       1       0       1       0',
      '  withdraw          2       0       2       0       0',
      '  freeze            0       0       0       0       0',
      '  unfreeze          0       0       0       0       0',
      '  close             1       0       0       0       1',
      '  transfer          0       0       0       0       0',
      '  hold              0       0       0       0       0',
      '  post              0       0       0       0       0',
      '  void              0       0       0       0       0',
      '  all               6       2       2       1       1',
      '',
      'Acknowledged (2xx): 2. Refused (4xx) by problem type: insufficient-funds 2.',
      'Failed (5xx or not sent): connection-refused 1. Unknown outcome (sent, answer lost): timeout 1.',
      'Answers other than the plan expected: 3.',
      'Idempotent retries: 2 sent, 1 replayed the first answer, 0 did not, 0 found the service down, 1 resolved a lost answer.',
      'If-Match: 1 current, 2 stale of which 1 answered 412.',
      'Latency (6 answers): p50 3.0 ms, p90 100.0 ms, p99 100.0 ms, max 100.0 ms.',
      'Late starts (in-flight cap reached): 2, at most 40.3 ms late; 1 never sent (still at the cap when the time was up).',
    ]);
  });
});
