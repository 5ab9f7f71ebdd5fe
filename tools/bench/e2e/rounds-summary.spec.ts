import { accountCpu } from './cpu-table';
import { distribution, READ_ANSWERED } from './latency-samples';
import { roundFigures, roundsTableRows, summariseRounds, type RoundFigures } from './rounds-summary';

const run = (variant: string, readP50Ms: number, readP99Ms: number, cpuMsPerCommand: number | null): RoundFigures => ({
  variant,
  readP50Ms,
  readP99Ms,
  cpuMsPerCommand,
  machineBusyPercent: cpuMsPerCommand === null ? null : 50,
});

describe('rounds of bench:e2e', () => {
  it('given a run, then its figures are the minVersion read and the CPU of every process per command', () => {
    const cpu = accountCpu([{ process: 'command', cpuSeconds: 4 }], {
      seconds: 20,
      commands: 1_000,
      cpus: 2,
      machineBusyShare: 0.25,
      everyProcessSeconds: 4,
    });
    const distributions = [distribution('201 -> SSE message received', [1, 2, 3]), distribution(READ_ANSWERED, [10, 20, 30])];

    const figures = roundFigures('defaults', distributions, cpu);

    expect(figures).toEqual({
      variant: 'defaults',
      readP50Ms: distributions[1]?.p50Ms,
      readP99Ms: distributions[1]?.p99Ms,
      cpuMsPerCommand: 4,
      machineBusyPercent: 25,
    });
  });

  it('given interleaved rounds of two variants, then each gets its median and range, in the order they first ran', () => {
    const runs = [
      run('before', 10, 40, 5),
      run('today', 12, 30, 4),
      run('before', 11, 90, 6),
      run('today', 9, 25, 4.5),
      run('before', 30, 60, 4),
    ];

    const summaries = summariseRounds(runs);

    expect(summaries.map((s) => s.variant)).toEqual(['before', 'today']);
    expect(summaries[0]).toMatchObject({
      rounds: 3,
      readP50Ms: { median: 11, min: 10, max: 30 },
      readP99Ms: { median: 60, min: 40, max: 90 },
      cpuMsPerCommand: { median: 5, min: 4, max: 6 },
    });
    expect(summaries[1]).toMatchObject({ rounds: 2, readP50Ms: { median: 10.5, min: 9, max: 12 }, cpuMsPerCommand: { median: 4.25 } });
  });

  it('given a round whose CPU could not be read, then the variant has no CPU figure rather than a median of the rest', () => {
    const [summary] = summariseRounds([run('defaults', 10, 20, 5), run('defaults', 10, 20, null)]);

    expect(summary?.cpuMsPerCommand).toBeNull();
    expect(roundsTableRows(summariseRounds([run('defaults', 10, 20, null)]))[0]).toEqual([
      'defaults',
      '1',
      '10.0 (10.0-10.0)',
      '20.0 (20.0-20.0)',
      'n/a',
      'n/a',
    ]);
  });
});
