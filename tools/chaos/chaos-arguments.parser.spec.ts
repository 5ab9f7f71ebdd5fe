import { parseChaosArguments } from './chaos-arguments.parser';

const parse = (...argv: string[]) => parseChaosArguments(argv, () => 7);

describe('parseChaosArguments', () => {
  it('given no arguments, then the defaults run with a random seed', () => {
    expect(parse()).toEqual({
      kind: 'run',
      options: {
        durationSeconds: 120,
        rate: 40,
        seed: 7,
        kills: 6,
        accounts: 200,
        convergeTimeoutSeconds: 300,
        keep: false,
        skipBuild: false,
      },
    });
  });

  it('given every option, then each is taken', () => {
    expect(
      parse(
        '--duration',
        '600',
        '--rate',
        '80',
        '--seed',
        '42',
        '--kills',
        '12',
        '--accounts',
        '500',
        '--converge-timeout',
        '60',
        '--json',
        'out.json',
        '--keep',
        '--skip-build',
      ),
    ).toEqual({
      kind: 'run',
      options: {
        durationSeconds: 600,
        rate: 80,
        seed: 42,
        kills: 12,
        accounts: 500,
        convergeTimeoutSeconds: 60,
        json: 'out.json',
        keep: true,
        skipBuild: true,
      },
    });
  });

  it('given --help, then the help is shown', () => {
    expect(parse('--help')).toEqual({ kind: 'help', text: expect.stringContaining('usage: npm run chaos') });
  });

  it.each([
    [['--kills', '2'], '--kills must be an integer from 3 to 1000, got "2"'],
    [['--duration', '5'], '--duration must be an integer from 20 to 86400, got "5"'],
    [['--rate', '1.5'], '--rate must be an integer from 1 to 5000, got "1.5"'],
    [['--rate=-3'], '--rate must be an integer from 1 to 5000, got "-3"'],
    [['--seed', '1e3'], '--seed must be an integer from 0 to 4294967295, got "1e3"'],
    [['--accounts', '9'.repeat(100)], `--accounts must be an integer from 1 to 1000000, got "${'9'.repeat(60)}…"`],
    [['--json', ' '], '--json needs a file name'],
  ])('given %j, then it is a usage error saying what is wrong', (argv, message) => {
    expect(parse(...argv)).toEqual({ kind: 'usage-error', message, help: expect.any(String) });
  });

  it('given an unknown option or a positional, then it is a usage error', () => {
    expect(parse('--fast')).toMatchObject({ kind: 'usage-error', message: expect.stringContaining("'--fast'") });
    expect(parse('now')).toMatchObject({ kind: 'usage-error', message: expect.stringContaining("'now'") });
  });
});
