import { ApiProperty } from '@nestjs/swagger';
import { AcceptedAccountCommand } from '@ledger/account-commands';

export class AppendedEventView {
  @ApiProperty({ format: 'uuid' }) eventId: string;
  @ApiProperty({ example: 'MoneyDeposited' }) type: string;
  @ApiProperty({ example: 2 }) version: number;
}

export class AccountCommandResponse {
  @ApiProperty({ format: 'uuid' }) accountId: string;
  @ApiProperty({ example: 2 }) version: number;
  @ApiProperty({ description: 'Balance in minor units', example: 1500 }) balance: number;
  @ApiProperty({ enum: ['ACTIVE', 'FROZEN', 'CLOSED'] }) status: string;
  @ApiProperty({ type: [AppendedEventView] }) events: AppendedEventView[];
}

/** Balances stay within the safe-integer range (a domain rule), so a JSON number is exact. */
export function toResponse(accepted: AcceptedAccountCommand) {
  const { streamId, version, state, events } = accepted;
  if (state.status === 'NOT_OPENED') throw new Error('an account that took a command is opened');
  return {
    accountId: streamId,
    version,
    balance: Number(state.balance),
    status: state.status,
    events: events.map(({ eventId, event, version: eventVersion }) => ({ eventId, type: event.type, version: eventVersion })),
  };
}
