import { randomUUID } from 'node:crypto';
import {
  encodeEvent,
  encodeTransferEvent,
  transferStreamId,
  type AccountEvent,
  type HoldReleaseReason,
  type TransferEvent,
} from '@ledger/domain';
import { toEnvelope, toKafkaMessage } from '@ledger/messaging';
import type { JsonObject } from '@ledger/primitives';
import type { Message } from 'kafkajs';

interface AccountStream {
  version: number;
  balance: bigint;
  reserved: bigint;
}

interface TransferStream {
  version: number;
  readonly from: string;
  readonly to: string;
  readonly amount: bigint;
}

/** An immediate transfer's messages, one per stream it wrote. */
export interface TransferMessages {
  readonly transferId: string;
  readonly debit: Message;
  readonly credit: Message;
  readonly transfer: Message;
}

export interface HoldMessages {
  readonly transferId: string;
  readonly placed: Message;
  readonly transfer: Message;
}

export interface PostMessages {
  readonly posted: Message;
  readonly credit: Message;
  readonly transfer: Message;
}

export interface ReleaseMessages {
  readonly released: Message;
  readonly transfer: Message;
}

/**
 * Accounts and transfers between them as the command service would store them, as the relay publishes
 * them: each decision's events on their own streams (the accounts' legs and the transfer's stream),
 * versions and balances consistent, one Kafka message per event keyed by its stream id. Times advance
 * a second per decision.
 */
export class TransferLedger {
  private readonly accounts = new Map<string, AccountStream>();
  private readonly transfers = new Map<string, TransferStream>();
  private seconds = 0;
  private position = 1n;

  open(deposit: bigint, accountId: string = randomUUID()): { readonly accountId: string; readonly message: Message } {
    const at = this.tick();
    this.accounts.set(accountId, { version: 0, balance: deposit, reserved: 0n });
    const event: AccountEvent = {
      type: 'AccountOpened',
      data: { accountId, owner: 'Ada', ownerId: null, currency: 'EUR', initialDeposit: deposit, balanceAfter: deposit, openedAt: at },
    };
    return { accountId, message: this.accountMessage(accountId, event, at) };
  }

  transfer(from: string, to: string, amount: bigint): TransferMessages {
    const at = this.tick();
    const transferId = randomUUID();
    this.transfers.set(transferId, { version: 0, from, to, amount });
    const source = this.account(from);
    source.balance -= amount;
    const destination = this.account(to);
    destination.balance += amount;
    const debited = this.leg(from, to, transferId, amount);
    const credited = this.leg(to, from, transferId, amount);
    return {
      transferId,
      debit: this.accountMessage(from, { type: 'TransferDebited', data: { ...debited, debitedAt: at } }, at),
      credit: this.accountMessage(to, { type: 'TransferCredited', data: { ...credited, creditedAt: at } }, at),
      transfer: this.transferMessage(transferId, { type: 'TransferCompleted', data: { ...this.terms(transferId), completedAt: at } }, at),
    };
  }

  hold(from: string, to: string, amount: bigint, timeoutSeconds = 3_600): HoldMessages {
    const at = this.tick();
    const transferId = randomUUID();
    this.transfers.set(transferId, { version: 0, from, to, amount });
    const source = this.account(from);
    source.reserved += amount;
    const expiresAt = new Date(at.getTime() + timeoutSeconds * 1_000);
    const leg = this.leg(from, to, transferId, amount);
    return {
      transferId,
      placed: this.accountMessage(from, { type: 'HoldPlaced', data: { ...leg, expiresAt, placedAt: at } }, at),
      transfer: this.transferMessage(
        transferId,
        { type: 'PendingTransferPlaced', data: { ...this.terms(transferId), timeoutSeconds, expiresAt, placedAt: at } },
        at,
      ),
    };
  }

  post(transferId: string, amount: bigint): PostMessages {
    const at = this.tick();
    const { from, to, amount: held } = this.transferOf(transferId);
    const source = this.account(from);
    source.balance -= amount;
    source.reserved -= held;
    const destination = this.account(to);
    destination.balance += amount;
    const posted = this.leg(from, to, transferId, amount);
    const credited = this.leg(to, from, transferId, amount);
    return {
      posted: this.accountMessage(from, { type: 'HoldPosted', data: { ...posted, heldAmount: held, postedAt: at } }, at),
      credit: this.accountMessage(to, { type: 'TransferCredited', data: { ...credited, creditedAt: at } }, at),
      transfer: this.transferMessage(
        transferId,
        { type: 'PendingTransferPosted', data: { transferId, amount, releasedAmount: held - amount, postedAt: at } },
        at,
      ),
    };
  }

  release(transferId: string, reason: HoldReleaseReason = 'VOIDED'): ReleaseMessages {
    const at = this.tick();
    const { from, to, amount } = this.transferOf(transferId);
    const source = this.account(from);
    source.reserved -= amount;
    const leg = this.leg(from, to, transferId, amount);
    const resolved: TransferEvent =
      reason === 'VOIDED'
        ? { type: 'PendingTransferVoided', data: { transferId, amount, voidedAt: at } }
        : { type: 'PendingTransferExpired', data: { transferId, amount, expiredAt: at } };
    return {
      released: this.accountMessage(from, { type: 'HoldReleased', data: { ...leg, reason, releasedAt: at } }, at),
      transfer: this.transferMessage(transferId, resolved, at),
    };
  }

  /** A message on the transfer's stream at its next version that no decoder accepts (an unknown event type). */
  transferPoison(transferId: string): Message {
    const at = this.tick();
    const stream = this.transferOf(transferId);
    stream.version += 1;
    return this.message(transferStreamId(transferId), stream.version, 'TransferRenamed', 1, { transferId }, at, false);
  }

  balanceOf(accountId: string): { readonly balance: bigint; readonly reserved: bigint; readonly version: number } {
    const { balance, reserved, version } = this.account(accountId);
    return { balance, reserved, version };
  }

  private terms(transferId: string) {
    const { from, to, amount } = this.transferOf(transferId);
    return { transferId, fromAccountId: from, toAccountId: to, amount, currency: 'EUR', reference: 'rent' };
  }

  /** A leg's common fields, with the account's balance and reserved amount as the decision left them. */
  private leg(accountId: string, counterpartyAccountId: string, transferId: string, amount: bigint) {
    const { balance, reserved } = this.account(accountId);
    return { accountId, transferId, counterpartyAccountId, amount, balanceAfter: balance, reservedAfter: reserved };
  }

  private accountMessage(accountId: string, event: AccountEvent, at: Date): Message {
    const stream = this.account(accountId);
    stream.version += 1;
    const encoded = encodeEvent(event);
    return this.message(accountId, stream.version, encoded.type, encoded.schemaVersion, encoded.data, at, true);
  }

  private transferMessage(transferId: string, event: TransferEvent, at: Date): Message {
    const stream = this.transferOf(transferId);
    stream.version += 1;
    const encoded = encodeTransferEvent(event);
    return this.message(transferStreamId(transferId), stream.version, encoded.type, encoded.schemaVersion, encoded.data, at, false);
  }

  private message(
    streamId: string,
    version: number,
    type: string,
    schemaVersion: number,
    data: JsonObject,
    at: Date,
    accountStream: boolean,
  ): Message {
    this.position += 1n;
    const envelope = toEnvelope(
      {
        eventId: randomUUID(),
        streamId,
        version,
        type,
        schemaVersion,
        occurredAt: at,
        data,
        metadata: { correlationId: `corr-${streamId}-${version}`, causationId: null },
        globalPosition: this.position.toString(),
      },
      { accountStream },
    );
    return toKafkaMessage(envelope);
  }

  private account(accountId: string): AccountStream {
    const stream = this.accounts.get(accountId);
    if (stream === undefined) throw new RangeError(`account ${accountId} was not opened in this ledger`);
    return stream;
  }

  private transferOf(transferId: string): TransferStream {
    const stream = this.transfers.get(transferId);
    if (stream === undefined) throw new RangeError(`transfer ${transferId} was not made in this ledger`);
    return stream;
  }

  private tick(): Date {
    this.seconds += 1;
    return new Date(Date.UTC(2026, 2, 1, 10, 0, this.seconds));
  }
}
