import { Logger } from '@nestjs/common';
import { ReadinessCheck } from './readiness.check';
import { ReadinessRegistry } from './readiness.registry';

describe('ReadinessCheck', () => {
  let warnings: string[];
  let notes: string[];

  beforeEach(() => {
    warnings = [];
    notes = [];
    jest.spyOn(Logger.prototype, 'warn').mockImplementation((message: unknown) => void warnings.push(String(message)));
    jest.spyOn(Logger.prototype, 'log').mockImplementation((message: unknown) => void notes.push(String(message)));
  });

  afterEach(() => jest.restoreAllMocks());

  function checkWith(probes: Record<string, () => Promise<void>>): ReadinessCheck {
    const registry = new ReadinessRegistry();
    for (const [name, probe] of Object.entries(probes)) registry.register(name, probe);
    return new ReadinessCheck(registry);
  }

  it('gives each dependency up or down, with the error of those down', async () => {
    const check = checkWith({
      postgres: async () => undefined,
      kafka: () => Promise.reject(new Error('connect ECONNREFUSED 10.0.0.7:9092')),
    });
    expect(await check.run()).toEqual([
      { name: 'postgres', up: true },
      { name: 'kafka', up: false, message: 'connect ECONNREFUSED 10.0.0.7:9092' },
    ]);
  });

  it('logs a dependency going down once per distinct error, and its return', async () => {
    let failure: Error | null = new Error('password authentication failed for user "ledger"');
    const check = checkWith({ postgres: () => (failure ? Promise.reject(failure) : Promise.resolve()) });
    await check.run();
    await check.run();
    failure = new Error('too many clients already');
    await check.run();
    failure = null;
    await check.run();
    await check.run();
    expect(warnings).toEqual([
      'postgres is down: password authentication failed for user "ledger"',
      'postgres is down: too many clients already',
    ]);
    expect(notes).toEqual(['postgres is up again']);
  });
});
