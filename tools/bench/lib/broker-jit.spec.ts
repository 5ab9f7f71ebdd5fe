import { jitOfCommandLine } from './broker-jit';

describe('jitOfCommandLine', () => {
  it('given the optimising compiler turned off, then quick', () => {
    expect(jitOfCommandLine(['java', '-Xmx1g', '-XX:TieredStopAtLevel=1', 'kafka.Kafka'])).toBe('quick');
  });

  it('given no tiered-compilation limit, then full', () => {
    expect(jitOfCommandLine(['java', '-Xmx1g', '-XX:+UseG1GC', 'kafka.Kafka'])).toBe('full');
  });

  it('given the limit at level 4, or a later flag that lifts it, then full', () => {
    expect(jitOfCommandLine(['java', '-XX:TieredStopAtLevel=4'])).toBe('full');
    expect(jitOfCommandLine(['java', '-XX:TieredStopAtLevel=1', '-XX:TieredStopAtLevel=4'])).toBe('full');
  });
});
