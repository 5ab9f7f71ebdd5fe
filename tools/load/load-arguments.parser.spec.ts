import { LOAD_HELP, parseLoadArguments } from './load-arguments.parser';

const parse = (argv: readonly string[]) => parseLoadArguments(argv, () => 777);

describe('parseLoadArguments', () => {
  it('given the required options, then defaults for the rest and a random seed', () => {
    expect(parse(['--rate', '200', '--duration', '30'])).toEqual({
      rate: 200,
      durationSeconds: 30,
      seed: 777,
      accounts: 500,
      commandUrl: 'http://127.0.0.1:3001',
      maxInFlight: 256,
      timeoutMs: 5000,
    });
  });

  it('given every option, then each is taken, the URL without its trailing slash', () => {
    expect(
      parse([
        '--rate',
        '5',
        '--duration',
        '2',
        '--seed',
        '42',
        '--accounts',
        '10',
        '--command-url',
        'http://command:8080/',
        '--ack-log',
        'a.ndjson',
        '--json',
        'o.json',
        '--max-in-flight',
        '8',
        '--timeout-ms=250',
        '--token',
        'eyJhbGciOiJFUzI1NiJ9.eyJzdWIiOiJ4In0.c2ln',
      ]),
    ).toEqual({
      rate: 5,
      durationSeconds: 2,
      seed: 42,
      accounts: 10,
      commandUrl: 'http://command:8080',
      maxInFlight: 8,
      timeoutMs: 250,
      ackLog: 'a.ndjson',
      json: 'o.json',
      token: 'eyJhbGciOiJFUzI1NiJ9.eyJzdWIiOiJ4In0.c2ln',
    });
  });

  it('given --help, then the help, naming every option', () => {
    expect(parse(['--rate', 'x', '--help'])).toBe('help');
    for (const option of [
      '--rate',
      '--duration',
      '--seed',
      '--accounts',
      '--command-url',
      '--ack-log',
      '--json',
      '--max-in-flight',
      '--timeout-ms',
      '--token',
    ])
      expect(LOAD_HELP).toContain(option);
  });

  it.each([
    [[], /--rate is required/],
    [['--rate', '10'], /--duration is required/],
    [['--rate', '0', '--duration', '1'], /--rate must be an integer from 1 to 10000, got "0"/],
    [['--rate', '2.5', '--duration', '1'], /--rate/],
    [['--rate', '1e3', '--duration', '1'], /--rate/],
    [['--rate', '10', '--duration', '86401'], /--duration/],
    [['--rate', '10', '--duration', '1', '--seed', '-1'], /--seed|argument/],
    [['--rate', '10', '--duration', '1', '--seed', '4294967296'], /--seed must be an integer from 0 to 4294967295/],
    [['--rate', '10', '--duration', '1', '--accounts', '0'], /--accounts/],
    [['--rate', '10', '--duration', '1', '--command-url', 'ftp://x'], /--command-url must be an http/],
    [['--rate', '10', '--duration', '1', '--command-url', 'not a url'], /--command-url/],
    [['--rate', '10', '--duration', '1', '--command-url', 'http://u:p@host'], /--command-url/],
    [['--rate', '10', '--duration', '1', '--ack-log', ''], /--ack-log must name a file/],
    [['--rate', '10', '--duration', '1', '--json', 'a\u001bb'], /--json must name a file/],
    [['--rate', '10', '--duration', '1', '--timeout-ms', '99'], /--timeout-ms/],
    [['--rate', '10', '--duration', '1', '--max-in-flight', '10001'], /--max-in-flight/],
    [['--rate', '10', '--duration', '1', '--token', 'secret'], /--token must be a JWT .*, got 6 characters$/],
    [['--rate', '10', '--duration', '1', '--token', 'a.b.c\nd'], /--token must be a JWT/],
    [['--rate', '10', '--duration', '1', 'extra'], /Unexpected argument 'extra'|positional/],
    [['--rate', '10', '--duration', '1', '--turbo'], /Unknown option '--turbo'/],
  ])('given %j, then why the arguments are wrong', (argv, message) => {
    const parsed = parse(argv);
    expect(typeof parsed).toBe('string');
    expect(parsed).toMatch(message);
  });
});
