import { RebuildProgressMeter, type RebuildProgress } from './rebuild.progress';

describe('RebuildProgressMeter', () => {
  it('given events over time, then the rate is the run average and the ETA what remains of the store at that rate', () => {
    let now = 0;
    const reports: RebuildProgress[] = [];
    const meter = new RebuildProgressMeter(
      10_000,
      (p) => reports.push(p),
      () => now,
    );

    now = 2_000;
    meter.add(4_000);
    meter.enter('index');
    now = 4_000;
    meter.enter('done');

    expect(reports[0]).toEqual({
      phase: 'load',
      events: 4_000,
      totalEstimate: 10_000,
      eventsPerSecond: 2_000,
      etaSeconds: 3,
      elapsedSeconds: 2,
    });
    expect(reports[1]).toMatchObject({ phase: 'index', etaSeconds: 3 });
    expect(reports[2]).toMatchObject({ phase: 'done', etaSeconds: 0, eventsPerSecond: 1_000 });
  });

  it('given no store count, then there is no ETA', () => {
    const meter = new RebuildProgressMeter(null, undefined, () => 1_000);
    meter.add(10);
    expect(meter.snapshot().etaSeconds).toBeNull();
  });
});
