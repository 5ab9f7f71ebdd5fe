import type { CreatedTransferState, HoldReleaseReason, TransferLegEvent } from '@ledger/domain';
import { requiredLegs, type TransferLegType } from '@ledger/read-model-schema';
import { ABSENT, rendered, type Difference } from './consistency.difference';

/** One leg as an account stream holds it, with the account's currency: what a transfer is checked against. */
export interface StoredLeg {
  readonly type: TransferLegType;
  readonly transferId: string;
  readonly accountId: string;
  readonly counterpartyAccountId: string;
  /** The account's version the leg is at. */
  readonly version: number;
  readonly currency: string;
  readonly amount: bigint;
  /** HoldPosted: the hold it resolved. */
  readonly heldAmount: bigint | null;
  /** HoldReleased: why. */
  readonly reason: HoldReleaseReason | null;
}

export function storedLeg(event: TransferLegEvent, version: number, currency: string): StoredLeg {
  const { transferId, accountId, counterpartyAccountId, amount } = event.data;
  return {
    type: event.type,
    transferId: transferId.toLowerCase(),
    accountId: accountId.toLowerCase(),
    counterpartyAccountId: counterpartyAccountId.toLowerCase(),
    version,
    currency,
    amount,
    heldAmount: event.type === 'HoldPosted' ? event.data.heldAmount : null,
    reason: event.type === 'HoldReleased' ? event.data.reason : null,
  };
}

/**
 * A transfer's legs against its stream: every leg its state requires is there once, on the right
 * account, in the transfer's currency, for the amount the stream records; no other leg is. Each breach
 * names the transfer's stream, the leg, and what the stream implies.
 */
export function checkTransferLegs(streamId: string, transfer: CreatedTransferState, legs: readonly StoredLeg[]): Difference[] {
  const breach = (field: string, expected: string, actual: string): Difference => ({
    kind: 'transfer',
    accountId: streamId,
    field,
    expected,
    actual,
  });
  const required = requiredLegs(transfer.status);
  const problems: Difference[] = [];
  for (const type of required) {
    const found = legs.filter((leg) => leg.type === type);
    if (found.length === 0) problems.push(breach(`leg ${type}`, `${type} ${describeDue(transfer, type)} (${transfer.status})`, ABSENT));
    if (found.length > 1) problems.push(breach(`leg ${type}`, 'one', `${found.length}, at ${found.map(where).join(', ')}`));
    for (const leg of found.slice(0, 1)) problems.push(...legProblems(transfer, leg).map(([f, e, a]) => breach(`leg ${type} ${f}`, e, a)));
  }
  for (const leg of legs) {
    if (!required.includes(leg.type))
      problems.push(breach(`leg ${leg.type}`, `none (${transfer.status})`, `${leg.type} ${leg.amount} at ${where(leg)}`));
  }
  return problems;
}

function legProblems(transfer: CreatedTransferState, leg: StoredLeg): [field: string, expected: string, actual: string][] {
  const problems: [string, string, string][] = [];
  const incoming = leg.type === 'TransferCredited';
  const [from, to] = [transfer.fromAccountId.toLowerCase(), transfer.toAccountId.toLowerCase()];
  const account = incoming ? to : from;
  const counterparty = incoming ? from : to;
  if (leg.accountId !== account) problems.push(['account', account, where(leg)]);
  if (leg.counterpartyAccountId !== counterparty) problems.push(['counterpartyAccountId', counterparty, leg.counterpartyAccountId]);
  if (leg.currency !== transfer.currency) problems.push(['currency', transfer.currency, `${leg.currency} (${where(leg)})`]);
  const amount = dueAmount(transfer, leg.type);
  if (leg.amount !== amount) problems.push(['amount', rendered(amount), `${rendered(leg.amount)} (${where(leg)})`]);
  if (leg.type === 'HoldPosted' && leg.heldAmount !== transfer.amount) {
    problems.push(['heldAmount', rendered(transfer.amount), rendered(leg.heldAmount)]);
  }
  if (leg.type === 'HoldReleased') {
    const reason = transfer.status === 'expired' ? 'EXPIRED' : 'VOIDED';
    if (leg.reason !== reason) problems.push(['reason', reason, rendered(leg.reason)]);
  }
  return problems;
}

/** What the leg must move: the hold or the transfer's amount, or (posting) the posted part. */
function dueAmount(transfer: CreatedTransferState, type: TransferLegType): bigint {
  switch (type) {
    case 'TransferDebited':
    case 'HoldPlaced':
    case 'HoldReleased':
      return transfer.amount;
    case 'TransferCredited':
    case 'HoldPosted':
      return transfer.postedAmount;
    default: {
      const unknown: never = type;
      throw new Error(`unknown leg ${String(unknown)}`);
    }
  }
}

function describeDue(transfer: CreatedTransferState, type: TransferLegType): string {
  const account = type === 'TransferCredited' ? transfer.toAccountId : transfer.fromAccountId;
  return `${dueAmount(transfer, type)} on ${account}`;
}

function where(leg: StoredLeg): string {
  return `${leg.accountId} v${leg.version}`;
}
