import { faultTargets, planFaults, type Fault } from './chaos.plan';

const kinds = (plan: readonly Fault[]) => plan.map((fault) => (fault.kind === 'kill' ? `kill:${fault.role}` : fault.kind));

describe('planFaults', () => {
  const seeds = Array.from({ length: 200 }, (_, i) => i + 1);

  it('given the same options, when planned twice, then the plans are equal', () => {
    expect(planFaults({ seed: 42, durationMs: 60_000, kills: 5 })).toEqual(planFaults({ seed: 42, durationMs: 60_000, kills: 5 }));
  });

  it('given other seeds, then the plans differ', () => {
    const plans = new Set(seeds.map((seed) => JSON.stringify(planFaults({ seed, durationMs: 60_000, kills: 4 }))));
    expect(plans.size).toBeGreaterThan(100);
  });

  it.each([3, 4, 7])('given %i kills, then every role is killed, and the broker and the database restart once each', (kills) => {
    for (const seed of seeds) {
      const plan = kinds(planFaults({ seed, durationMs: 60_000, kills }));
      expect(plan.filter((kind) => kind.startsWith('kill:'))).toHaveLength(kills);
      for (const role of ['command', 'relay', 'projector']) expect(plan).toContain(`kill:${role}`);
      expect(plan.filter((kind) => kind === 'restart-kafka')).toHaveLength(1);
      expect(plan.filter((kind) => kind === 'restart-postgres')).toHaveLength(1);
    }
  });

  it('given any seed, then a relay or projector is killed while two of each run, and only then is a second replica killed', () => {
    for (const seed of seeds) {
      const plan = planFaults({ seed, durationMs: 60_000, kills: 3 });
      const out = plan.findIndex((fault) => fault.kind === 'scale-out');
      const back = plan.findIndex((fault) => fault.kind === 'scale-in');
      expect(out).toBeGreaterThanOrEqual(0);
      expect(back).toBeGreaterThan(out);
      const scaled = plan.slice(out + 1, back);
      expect(scaled.some((fault) => fault.kind === 'kill' && fault.role !== 'command')).toBe(true);
      const outside = [...plan.slice(0, out), ...plan.slice(back)];
      expect(outside.every((fault) => fault.kind !== 'kill' || fault.replica === 1)).toBe(true);
    }
  });

  it('given a duration, then the faults start in order inside its first three quarters', () => {
    for (const seed of seeds) {
      const times = planFaults({ seed, durationMs: 80_000, kills: 6 }).map((fault) => fault.atMs);
      expect(times).toEqual([...times].sort((a, b) => a - b));
      expect(Math.min(...times)).toBeGreaterThanOrEqual(8_000);
      expect(Math.max(...times)).toBeLessThanOrEqual(60_000);
    }
  });

  it('given fewer kills than roles, then planning is refused', () => {
    expect(() => planFaults({ seed: 1, durationMs: 60_000, kills: 2 })).toThrow('kills must be an integer >= 3');
    expect(() => planFaults({ seed: 1, durationMs: 60_000, kills: 3.5 })).toThrow('kills must be an integer >= 3');
  });
});

describe('faultTargets', () => {
  it('given each kind of fault, then it names what the fault acts on', () => {
    expect(faultTargets({ kind: 'kill', atMs: 0, role: 'relay', replica: 2, downMs: 1 })).toEqual(['relay-2']);
    expect(faultTargets({ kind: 'scale-out', atMs: 0 })).toEqual(['relay-2', 'projector-2']);
    expect(faultTargets({ kind: 'scale-in', atMs: 0 })).toEqual(['relay-2', 'projector-2']);
    expect(faultTargets({ kind: 'restart-kafka', atMs: 0, downMs: 1 })).toEqual(['kafka']);
    expect(faultTargets({ kind: 'restart-postgres', atMs: 0, downMs: 1 })).toEqual(['postgres']);
  });
});
