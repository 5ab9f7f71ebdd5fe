import { Actor, accountAccess } from './account.access';
import { AccountCommand } from './account.commands';
import { decide } from './account.decide';
import { AccountState, OpenedAccountState, initialAccountState } from './account.state';

const ACCOUNT_ID = '7d0c2f4e-1a3b-4c5d-8e9f-0a1b2c3d4e5f';
const NOW = new Date('2024-05-01T10:30:00.000Z');

const owner: Actor = { subject: 'user-ada', clientId: 'web', operator: false };
const stranger: Actor = { subject: 'user-eve', clientId: 'web', operator: false };
const operator: Actor = { subject: 'ops-grace', clientId: 'ledger-ops', operator: true };

const account = (ownerId: string | null, status: OpenedAccountState['status'] = 'ACTIVE'): OpenedAccountState => ({
  status,
  accountId: ACCOUNT_ID,
  owner: 'Ada Lovelace',
  ownerId,
  currency: 'EUR',
  balance: 100n,
  reserved: 0n,
  openedAt: NOW,
});

const commands: AccountCommand[] = [
  { type: 'DepositMoney', data: { accountId: ACCOUNT_ID, amount: 1n, now: NOW } },
  { type: 'WithdrawMoney', data: { accountId: ACCOUNT_ID, amount: 1n, now: NOW } },
  { type: 'FreezeAccount', data: { accountId: ACCOUNT_ID, reason: null, now: NOW } },
  { type: 'UnfreezeAccount', data: { accountId: ACCOUNT_ID, now: NOW } },
  { type: 'CloseAccount', data: { accountId: ACCOUNT_ID, now: NOW } },
];

const open: AccountCommand = {
  type: 'OpenAccount',
  data: { accountId: ACCOUNT_ID, owner: 'Eve', ownerId: 'user-eve', currency: 'EUR', initialDeposit: 0n, now: NOW },
};

describe('accountAccess', () => {
  it.each(commands)('given the owner, when $type, then access is granted', (command) => {
    expect(accountAccess(owner, command, account('user-ada'))).toBeNull();
  });

  it.each(commands)(
    "given someone else's account, when $type, then AccountNotFound, the error of an account that does not exist",
    (command) => {
      const refused = accountAccess(stranger, command, account('user-ada'));
      const missing = decide(command, initialAccountState);

      expect(refused).toEqual({ type: 'AccountNotFound', accountId: ACCOUNT_ID });
      expect(missing).toEqual({ ok: false, error: refused });
    },
  );

  it.each(['FROZEN', 'CLOSED'] as const)(
    "given someone else's %s account, when deposited to, then still AccountNotFound (no status leaks)",
    (status) => {
      expect(accountAccess(stranger, commands[0], account('user-ada', status))).toEqual({ type: 'AccountNotFound', accountId: ACCOUNT_ID });
    },
  );

  it.each(commands)('given an operator, when $type on anyone’s account, then access is granted', (command) => {
    expect(accountAccess(operator, command, account('user-ada'))).toBeNull();
  });

  it('given an account opened before owners were recorded (ownerId null), when its former user commands it, then AccountNotFound; an operator may', () => {
    const unowned = account(null);

    expect(accountAccess(owner, commands[0], unowned)).toEqual({ type: 'AccountNotFound', accountId: ACCOUNT_ID });
    expect(accountAccess(operator, commands[0], unowned)).toBeNull();
  });

  it('given a subject that differs only in case, when it commands the account, then AccountNotFound: subjects are compared exactly', () => {
    expect(accountAccess({ ...owner, subject: 'USER-ADA' }, commands[0], account('user-ada'))).toEqual({
      type: 'AccountNotFound',
      accountId: ACCOUNT_ID,
    });
  });

  it('given no account yet, when anyone commands it, then access hides nothing and decide answers', () => {
    const state: AccountState = initialAccountState;

    expect(accountAccess(stranger, commands[0], state)).toBeNull();
    expect(accountAccess(stranger, open, state)).toBeNull();
  });

  it("given someone else's account, when a stranger opens the same id, then access lets decide answer AccountAlreadyExists", () => {
    expect(accountAccess(stranger, open, account('user-ada'))).toBeNull();
    expect(decide(open, account('user-ada'))).toEqual({ ok: false, error: { type: 'AccountAlreadyExists', accountId: ACCOUNT_ID } });
  });
});
