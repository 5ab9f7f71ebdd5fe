import { messageOf } from './error-message';

describe('messageOf', () => {
  it('gives an Error its message, without the stack or the class name', () => {
    expect(messageOf(new TypeError('bad input'))).toBe('bad input');
  });

  it('gives anything else thrown as a string', () => {
    expect(messageOf('connection reset')).toBe('connection reset');
    expect(messageOf(42)).toBe('42');
    expect(messageOf(undefined)).toBe('undefined');
    expect(messageOf({ code: 'E' })).toBe('[object Object]');
  });
});
