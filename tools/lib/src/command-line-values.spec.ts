import { integerOption, parseOptions, quoteArgument } from './command-line-values';

describe('integerOption', () => {
  const range = { min: 1, max: 100 };

  it.each([
    ['1', 1],
    ['100', 100],
    ['007', 7],
  ])('given %j within the range, then it is that integer', (text, expected) => {
    expect(integerOption('rate', text, range)).toBe(expected);
  });

  it('given no value, then the fallback, or without one that the option is required', () => {
    expect(integerOption('rate', undefined, range, 42)).toBe(42);
    expect(integerOption('rate', undefined, range)).toBe('--rate is required');
  });

  it.each(['0', '101', '-3', '1.5', '1e2', ' 5', '', '0x10', '99999999999999999'])(
    'given %j, then why it is refused, naming the option and the range',
    (text) => {
      expect(integerOption('rate', text, range)).toBe(`--rate must be an integer from 1 to 100, got ${JSON.stringify(text)}`);
    },
  );

  it('given a value of a type that is not text (a flag given as a boolean), then it is refused', () => {
    expect(integerOption('rate', true, range)).toBe('--rate must be an integer from 1 to 100, got "true"');
  });
});

describe('quoteArgument', () => {
  it('given a long or unprintable argument, then it is quoted, escaped and cut at 60 characters', () => {
    expect(quoteArgument('a\u0007b')).toBe('"a\\u0007b"');
    expect(quoteArgument('9'.repeat(100))).toBe(`"${'9'.repeat(60)}…"`);
  });
});

describe('parseOptions', () => {
  const options = { batch: { type: 'string' }, json: { type: 'boolean', default: false } } as const;

  it('given known options, then their values, defaults filled in', () => {
    expect(parseOptions(['--batch', '500'], options)).toEqual({ batch: '500', json: false });
  });

  it.each([
    [['--bogus'], /bogus/],
    [['stray'], /stray/],
    [['--batch'], /batch/],
  ])('given %j, then why it is refused', (argv, message) => {
    expect(parseOptions(argv, options)).toMatch(message);
  });
});
