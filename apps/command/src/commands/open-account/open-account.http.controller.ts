import { Caller, CurrentCaller, InsufficientScopeError, isOperator, RequiresScope } from '@ledger/auth';
import { Body, Controller, Inject, Post, Res } from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import type { CommandContext } from '@ledger/account-commands';
import { CLOCK, Clock, ID_GENERATOR, IdGenerator } from '../../accounts/clock';
import { AccountCommandEndpoint } from '../../edge/account-command.endpoint';
import { AccountCommandResponse } from '../../edge/account-command.response';
import { ApiCommand } from '../../edge/api-command.decorator';
import { Context } from '../../edge/command-context.decorator';
import { OpenAccountDto } from './open-account.dto';

@ApiTags('accounts')
@Controller('accounts')
export class OpenAccountHttpController {
  constructor(
    private readonly endpoint: AccountCommandEndpoint,
    @Inject(CLOCK) private readonly clock: Clock,
    @Inject(ID_GENERATOR) private readonly ids: IdGenerator,
  ) {}

  @RequiresScope('ledger:write')
  @Post()
  @ApiCommand({
    summary: 'Open an account',
    description:
      'Opens an account for the caller, with an optional opening deposit. A client-chosen `accountId` makes the open retry-safe.',
    onAccount: false,
    refusals: [],
  })
  open(
    @Body() dto: OpenAccountDto,
    @CurrentCaller() caller: Caller,
    @Context() context: CommandContext,
    @Res({ passthrough: true }) response: FastifyReply,
  ): Promise<AccountCommandResponse> {
    // A client-chosen id makes the open retry-safe; ids are compared in lower case everywhere.
    const accountId = dto.accountId?.toLowerCase() ?? this.ids.next();
    const initialDeposit = BigInt(dto.initialDeposit ?? 0);
    const ownerId = ownerIdFor(caller, dto.ownerId);
    return this.endpoint.run(
      {
        type: 'OpenAccount',
        data: { accountId, owner: dto.owner.trim(), ownerId, currency: dto.currency, initialDeposit, now: this.clock.now() },
      },
      context,
      response,
    );
  }
}

/** The caller opens for itself; naming another owner is an operator's act, refused as a missing scope. */
function ownerIdFor(caller: Caller, requested: string | undefined): string {
  if (requested === undefined || requested === caller.subject) return caller.subject;
  if (!isOperator(caller)) throw new InsufficientScopeError('ledger:operate');
  return requested;
}
