import { parseResidentMemory, residentMemory } from './process-memory';

describe('resident memory', () => {
  it('reads the current and peak resident set from a /proc status', () => {
    const status = 'Name:\tnode\nVmHWM:\t  204800 kB\nVmRSS:\t  102400 kB\nThreads:\t11\n';
    expect(parseResidentMemory(status)).toEqual({ rssMiB: 100, peakMiB: 200 });
  });

  it('is null when the fields are missing (a kernel thread, another system)', () => {
    expect(parseResidentMemory('Name:\tkthreadd\n')).toBeNull();
  });

  it('reads this process on Linux, peak at least the current', () => {
    const memory = residentMemory(process.pid);
    if (process.platform !== 'linux') return expect(memory).toBeNull();
    expect(memory?.rssMiB).toBeGreaterThan(0);
    expect(memory?.peakMiB).toBeGreaterThanOrEqual(memory?.rssMiB ?? Infinity);
  });
});
