import { Actor, transferAccess } from './account.access';
import { OpenedAccountState, initialAccountState } from './account.state';
import { TransferCommand } from './transfer.commands';
import { decideTransfer } from './transfer.decide';
import { initialTransferState } from './transfer.state';
import { FROM, NOW, TO, TRANSFER_ID, pendingTransfer } from './testing/transfer.fixtures';

const ada: Actor = { subject: 'user-ada', clientId: 'web', operator: false };
const grace: Actor = { subject: 'user-grace', clientId: 'web', operator: false };
const eve: Actor = { subject: 'user-eve', clientId: 'web', operator: false };
const operator: Actor = { subject: 'ops-grace', clientId: 'ledger-ops', operator: true };

const account = (accountId: string, ownerId: string | null): OpenedAccountState => ({
  status: 'ACTIVE',
  accountId,
  owner: 'someone',
  ownerId,
  currency: 'EUR',
  balance: 1000n,
  reserved: 300n,
  openedAt: NOW,
});
const adasAccount = account(FROM, 'user-ada');
const gracesAccount = account(TO, 'user-grace');

const terms = { transferId: TRANSFER_ID, fromAccountId: FROM, toAccountId: TO, amount: 100n, currency: 'EUR', reference: null, now: NOW };
const newTransfers: TransferCommand[] = [
  { type: 'TransferMoney', data: terms },
  { type: 'PlacePendingTransfer', data: { ...terms, timeoutSeconds: 60 } },
];
const resolutions: TransferCommand[] = [
  { type: 'PostPendingTransfer', data: { transferId: TRANSFER_ID, amount: null, now: NOW } },
  { type: 'VoidPendingTransfer', data: { transferId: TRANSFER_ID, now: NOW } },
];
const expiry: TransferCommand = {
  type: 'ExpirePendingTransfer',
  data: { transferId: TRANSFER_ID, now: new Date('2024-05-02T00:00:00.000Z') },
};

const pending = pendingTransfer({ reference: null });

describe('transferAccess', () => {
  it.each(newTransfers)("given the source's owner, when $type to anyone's account, then access is granted", (command) => {
    expect(transferAccess(ada, command, initialTransferState, adasAccount)).toBeNull();
  });

  it.each(newTransfers)(
    "given someone else's source, when $type, then AccountNotFound naming it, the error of a source that does not exist",
    (command) => {
      const refused = transferAccess(grace, command, initialTransferState, adasAccount);

      expect(refused).toEqual({ type: 'AccountNotFound', accountId: FROM });
      expect(decideTransfer(command, initialTransferState, initialAccountState, gracesAccount)).toEqual({ ok: false, error: refused });
    },
  );

  it.each(newTransfers)(
    'given a source without a recorded owner, when $type by its former user, then AccountNotFound; an operator may',
    (command) => {
      const unowned = account(FROM, null);

      expect(transferAccess(ada, command, initialTransferState, unowned)).toEqual({ type: 'AccountNotFound', accountId: FROM });
      expect(transferAccess(operator, command, initialTransferState, unowned)).toBeNull();
    },
  );

  it.each(newTransfers)('given a source that does not exist, when $type, then access hides nothing and decide answers', (command) => {
    expect(transferAccess(eve, command, initialTransferState, initialAccountState)).toBeNull();
  });

  it.each(newTransfers)("given an operator, when $type from anyone's account, then access is granted", (command) => {
    expect(transferAccess(operator, command, initialTransferState, adasAccount)).toBeNull();
  });

  it.each(resolutions)("given the source's owner, when $type, then access is granted", (command) => {
    expect(transferAccess(ada, command, pending, adasAccount)).toBeNull();
  });

  it.each(resolutions)(
    "given the destination's owner, when $type, then TransferNotFound: the receiving side may read the transfer, never resolve it",
    (command) => {
      expect(transferAccess(grace, command, pending, adasAccount)).toEqual({ type: 'TransferNotFound', transferId: TRANSFER_ID });
    },
  );

  it.each(resolutions)('given a stranger, when $type, then TransferNotFound, the error of a transfer that does not exist', (command) => {
    const refused = transferAccess(eve, command, pending, adasAccount);

    expect(refused).toEqual({ type: 'TransferNotFound', transferId: TRANSFER_ID });
    expect(decideTransfer(command, initialTransferState, adasAccount, gracesAccount)).toEqual({ ok: false, error: refused });
  });

  it.each(resolutions)("given a source state of another account than the transfer's, when $type, then TransferNotFound", (command) => {
    expect(transferAccess(grace, command, pending, gracesAccount)).toEqual({ type: 'TransferNotFound', transferId: TRANSFER_ID });
  });

  it.each(resolutions)('given an operator, when $type, then access is granted', (command) => {
    expect(transferAccess(operator, command, pending, adasAccount)).toBeNull();
  });

  it('given expiry, then only an operator (the expiry worker) may; to anyone else the transfer does not exist', () => {
    expect(transferAccess(operator, expiry, pending, adasAccount)).toBeNull();
    expect(transferAccess(ada, expiry, pending, adasAccount)).toEqual({ type: 'TransferNotFound', transferId: TRANSFER_ID });
  });

  it.each([...resolutions, expiry])('given no such transfer, when $type, then access hides nothing and decide answers', (command) => {
    expect(transferAccess(eve, command, initialTransferState, initialAccountState)).toBeNull();
  });
});
