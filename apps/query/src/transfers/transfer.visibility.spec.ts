import type { Caller } from '@ledger/auth';
import { canSeeTransfer } from './transfer.visibility';

const caller = (subject: string, ...scopes: string[]): Caller => ({
  subject,
  clientId: null,
  scopes: new Set(['ledger:read', ...scopes]),
  expiresAt: new Date('2030-01-01T00:00:00.000Z'),
});

describe('transfer visibility', () => {
  it.each([
    ['the owner of the source', caller('alice'), 'alice', 'bob', true],
    ['the owner of the destination', caller('bob'), 'alice', 'bob', true],
    ['someone else', caller('carol'), 'alice', 'bob', false],
    ['a subject differing only in case', caller('Alice'), 'alice', 'bob', false],
    ['anyone, when neither side has an owner in the read model', caller('alice'), null, null, false],
    ['an operator', caller('ops', 'ledger:operate'), 'alice', 'bob', true],
    ['an operator, when neither side has an owner', caller('ops', 'ledger:operate'), null, null, true],
  ] as const)('given %s, then %s', (_label, who, fromOwnerId, toOwnerId, expected) => {
    expect(canSeeTransfer(who, { fromOwnerId, toOwnerId })).toBe(expected);
  });
});
