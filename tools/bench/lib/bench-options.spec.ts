import { nonNegativeNumber, positiveNumber } from './bench-options';

describe('benchmark options', () => {
  it('take positive numbers, fractional ones included, where a positive number is asked for', () => {
    expect(positiveNumber('rate', '2.5')).toBe(2.5);
    for (const bad of ['0', '-1', 'ten', '', 'Infinity']) {
      expect(() => positiveNumber('rate', bad)).toThrow(`--rate must be a positive number, got ${bad}`);
    }
  });

  it('take zero where a phase can be turned off, and refuse what is not a number', () => {
    expect(nonNegativeNumber('idle', '0')).toBe(0);
    expect(nonNegativeNumber('idle', '10')).toBe(10);
    for (const bad of ['-1', 'ten', 'NaN', 'Infinity']) {
      expect(() => nonNegativeNumber('idle', bad)).toThrow(`--idle must be zero or a positive number, got ${bad}`);
    }
  });
});
