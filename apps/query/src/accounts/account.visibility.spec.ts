import type { Caller } from '@ledger/auth';
import type { AccountEntity } from '@ledger/read-model-schema';
import { canSee, visibleTo } from './account.visibility';

const caller = (subject: string, ...scopes: string[]): Caller => ({
  subject,
  clientId: null,
  scopes: new Set(['ledger:read', ...scopes]),
  expiresAt: new Date('2030-01-01T00:00:00.000Z'),
});
const account = (ownerId: string | null) => ({ accountId: 'a', ownerId }) as AccountEntity;

describe('account visibility', () => {
  it.each([
    ['its owner', caller('alice'), 'alice', true],
    ['another subject', caller('bob'), 'alice', false],
    ['a subject that differs only in case', caller('Alice'), 'alice', false],
    ['an operator', caller('ops', 'ledger:operate'), 'alice', true],
    ['anyone without operate, for an account without an owner', caller('alice'), null, false],
    ['an operator, for an account without an owner', caller('ops', 'ledger:operate'), null, true],
  ] as const)('given %s, then canSee is %s', (_label, who, ownerId, expected) => {
    expect(canSee(who, account(ownerId))).toBe(expected);
  });

  it('given an account the caller may not see, then it reads as missing', () => {
    const alices = account('alice');

    expect(visibleTo(caller('alice'), alices)).toBe(alices);
    expect(visibleTo(caller('bob'), alices)).toBeNull();
    expect(visibleTo(caller('bob'), null)).toBeNull();
  });
});
