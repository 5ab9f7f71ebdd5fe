import { applyDecorators, Controller, createParamDecorator, ExecutionContext, Param, Post } from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { RequiresScope, type Scope } from '@ledger/auth';
import type { CommandContext } from '@ledger/account-commands';
import { AccountIdPipe } from '@ledger/platform';
import { ApiCommand, type CommandOperation } from './api-command.decorator';
import { commandContextOf, type ContextHeaders } from './command-context';
import { ACCOUNT_COMMAND_BODY, SerializedCreated } from './response-serializers';

/** A controller of commands on accounts, under `/accounts`. */
export const CommandController = () => applyDecorators(ApiTags('accounts'), Controller('accounts'));

/**
 * A command route: its scope (`ledger:write` unless named), `POST /accounts/<path>` and its OpenAPI. A
 * path that starts with the account's id is a command on an existing account (which takes If-Match).
 */
export function CommandRoute(path: string, operation: Omit<CommandOperation, 'onAccount'> & { readonly scope?: Scope }) {
  const { scope = 'ledger:write', ...documented } = operation;
  return applyDecorators(
    RequiresScope(scope),
    Post(path),
    SerializedCreated(ACCOUNT_COMMAND_BODY),
    ApiCommand({ ...documented, onAccount: path.startsWith(':accountId') }),
  );
}

/** The path's account id, a UUID in lower case. */
export const AccountIdParam = () => Param('accountId', AccountIdPipe);

/** What a command takes from the exchange besides its body: the edge's context, and the reply to answer on. */
export interface CommandCall {
  readonly context: CommandContext;
  readonly reply: FastifyReply;
}

/** The command's `CommandCall`; Nest still sends the returned body, as with `@Res({ passthrough: true })`. */
export const Call = createParamDecorator((headers: ContextHeaders | undefined, context: ExecutionContext): CommandCall => {
  const http = context.switchToHttp();
  return { context: commandContextOf(http.getRequest<FastifyRequest>(), headers), reply: http.getResponse<FastifyReply>() };
});
