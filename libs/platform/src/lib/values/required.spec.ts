import { first, required } from './required';

describe('required', () => {
  it('gives back a value that is there, falsy ones included', () => {
    expect(required('row', 'a row')).toBe('row');
    expect(required(0, 'a count')).toBe(0);
    expect(required('', 'a name')).toBe('');
    expect(required(false, 'a flag')).toBe(false);
  });

  it('given null or undefined, then it throws an error naming what was missing', () => {
    expect(() => required(null, 'the parked row')).toThrow('expected the parked row, found none');
    expect(() => required(undefined, 'the parked row')).toThrow('expected the parked row, found none');
  });
});

describe('first', () => {
  it('gives the first item of a list', () => {
    expect(first([{ id: '7' }, { id: '8' }], 'a row')).toEqual({ id: '7' });
  });

  it('given an empty list, then it throws an error naming what was missing', () => {
    expect(() => first([], 'the inserted row')).toThrow('expected the inserted row, found none');
  });
});
