import { ProblemException } from './problem';
import { AccountIdPipe, UuidParamPipe } from './uuid-param.pipe';

function problemOf(run: () => unknown): unknown {
  try {
    run();
  } catch (error) {
    return error instanceof ProblemException ? error.problem : error;
  }
  throw new Error('expected a problem, nothing was thrown');
}

describe('UuidParamPipe', () => {
  it('passes a UUID on in lower case', () => {
    expect(AccountIdPipe.transform('0B7F9A1E-3C2D-4E5F-8A9B-0C1D2E3F4A5B')).toBe('0b7f9a1e-3c2d-4e5f-8a9b-0c1d2e3f4a5b');
  });

  it('refuses anything else with the problem it was given', () => {
    const pipe = new UuidParamPipe('bad-request', 'The id must be a UUID.');
    expect(problemOf(() => pipe.transform("1' OR '1'='1"))).toEqual({
      type: 'https://ledger.example.com/problems/bad-request',
      title: 'Bad request',
      status: 400,
      detail: 'The id must be a UUID.',
    });
  });

  it('answers invalid-account-id on the account routes', () => {
    expect(problemOf(() => AccountIdPipe.transform('123'))).toMatchObject({
      type: 'https://ledger.example.com/problems/invalid-account-id',
      status: 400,
    });
  });
});
