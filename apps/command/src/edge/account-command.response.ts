import { ApiProperty } from '@nestjs/swagger';
import { AcceptedAccountCommand } from '@ledger/account-commands';
import { ACCOUNT_EVENT_TYPES, availableBalance } from '@ledger/domain';

const UUID = { format: 'uuid', minLength: 36, maxLength: 36 } as const;
const VERSION = { type: 'integer', format: 'int64', minimum: 1, maximum: Number.MAX_SAFE_INTEGER } as const;
const MONEY = { type: 'integer', format: 'int64', minimum: 0, maximum: Number.MAX_SAFE_INTEGER } as const;

export class AppendedEventView {
  @ApiProperty(UUID) eventId: string;
  @ApiProperty({ enum: [...ACCOUNT_EVENT_TYPES], example: 'MoneyDeposited' }) type: string;
  @ApiProperty({ ...VERSION, example: 2 }) version: number;
}

export class AccountCommandResponse {
  @ApiProperty(UUID) accountId: string;
  @ApiProperty({ ...VERSION, description: "The account's version after the command", example: 2 }) version: number;
  @ApiProperty({
    type: 'integer',
    format: 'int64',
    minimum: 0,
    maximum: Number.MAX_SAFE_INTEGER,
    description: 'Balance in minor units',
    example: 1500,
  })
  balance: number;
  @ApiProperty({ ...MONEY, description: 'What may still be spent: the balance less pending holds', example: 1200 })
  availableBalance: number;
  @ApiProperty({ ...MONEY, description: 'What pending holds on the account (as a source) reserve of the balance', example: 300 })
  reserved: number;
  @ApiProperty({ enum: ['ACTIVE', 'FROZEN', 'CLOSED'] }) status: string;
  @ApiProperty({ type: [AppendedEventView], minItems: 1, maxItems: 1, description: 'The event the command appended' })
  events: AppendedEventView[];
}

/** Balances stay within the safe-integer range (a domain rule), so a JSON number is exact. */
export function toResponse(accepted: AcceptedAccountCommand) {
  const { streamId, version, state, events } = accepted;
  if (state.status === 'NOT_OPENED') throw new Error('an account that took a command is opened');
  return {
    accountId: streamId,
    version,
    balance: Number(state.balance),
    availableBalance: Number(availableBalance(state)),
    reserved: Number(state.reserved),
    status: state.status,
    events: events.map(({ eventId, event, version: eventVersion }) => ({ eventId, type: event.type, version: eventVersion })),
  };
}
