import { Caller, CurrentCaller, InsufficientScopeError, isOperator } from '@ledger/auth';
import { Body, Inject } from '@nestjs/common';
import { ID_GENERATOR, IdGenerator } from '../../accounts/clock';
import { AccountCommandEndpoint } from '../../edge/account-command.endpoint';
import { Call, CommandCall, CommandController, CommandRoute } from '../../edge/command-route.decorators';
import { OpenAccountDto } from './open-account.dto';

@CommandController()
export class OpenAccountHttpController {
  constructor(
    private readonly endpoint: AccountCommandEndpoint,
    @Inject(ID_GENERATOR) private readonly ids: IdGenerator,
  ) {}

  @CommandRoute('', {
    summary: 'Open an account',
    description:
      'Opens an account for the caller, with an optional opening deposit. A client-chosen `accountId` makes the open retry-safe.',
    refusals: [],
  })
  open(@Body() dto: OpenAccountDto, @CurrentCaller() caller: Caller, @Call() call: CommandCall) {
    // A client-chosen id makes the open retry-safe; ids are compared in lower case everywhere.
    const accountId = dto.accountId?.toLowerCase() ?? this.ids.next();
    const initialDeposit = BigInt(dto.initialDeposit ?? 0);
    const ownerId = ownerIdFor(caller, dto.ownerId);
    return this.endpoint.run(call, (now) => ({
      type: 'OpenAccount',
      data: { accountId, owner: dto.owner.trim(), ownerId, currency: dto.currency, initialDeposit, now },
    }));
  }
}

/** The caller opens for itself; naming another owner is an operator's act, refused as a missing scope. */
function ownerIdFor(caller: Caller, requested: string | undefined): string {
  if (requested === undefined || requested === caller.subject) return caller.subject;
  if (!isOperator(caller)) throw new InsufficientScopeError('ledger:operate');
  return requested;
}
