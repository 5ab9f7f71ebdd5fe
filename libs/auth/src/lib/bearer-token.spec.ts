import { UnauthenticatedError } from './auth.errors';
import { bearerTokenOf } from './bearer-token';

describe('bearerTokenOf', () => {
  it('takes the token of a Bearer header, whatever the scheme case', () => {
    expect(bearerTokenOf('Bearer abc.def-ghi_jkl')).toBe('abc.def-ghi_jkl');
    expect(bearerTokenOf('bearer abc.def')).toBe('abc.def');
  });

  it.each([
    ['no header', undefined],
    ['Basic credentials', 'Basic dXNlcjpwYXNz'],
    ['an empty bearer', 'Bearer '],
    ['a bare scheme', 'Bearer'],
    ['a token with spaces inside', 'Bearer abc def'],
    ['characters outside b64token', 'Bearer abc<def>'],
    ['two headers', ['Bearer a', 'Bearer b']],
  ])('refuses %s as unauthenticated', (_, header) => {
    expect(() => bearerTokenOf(header)).toThrow(UnauthenticatedError);
  });
});
