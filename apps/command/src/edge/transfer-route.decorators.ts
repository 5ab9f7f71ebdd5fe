import { applyDecorators, Controller, Param, Post } from '@nestjs/common';
import { ApiCreatedResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { RequiresScope } from '@ledger/auth';
import { ApiUuidParam } from '@ledger/platform';
import { ApiIdempotencyKeyHeader } from './api-command.decorator';
import { ApiProblems, COMMAND } from './api-problems.decorator';
import type { CommandProblemSlug } from './command-problems';
import { TransferCommandResponse } from './transfer-command.response';
import { TransferIdPipe } from './transfer-id.pipe';
import { SerializedCreated, TRANSFER_COMMAND_BODY } from './response-serializers';

/** A controller of transfer commands, under `/transfers`. */
export const TransferController = () => applyDecorators(ApiTags('transfers'), Controller('transfers'));

export interface TransferOperation {
  readonly summary: string;
  readonly description: string;
  /** The refusals of this command's own (409s and the like). */
  readonly refusals: readonly CommandProblemSlug[];
}

/** What every transfer command may answer with, besides its own refusals. */
const TRANSFER_COMMAND: readonly CommandProblemSlug[] = COMMAND.filter(
  (slug) => slug !== 'idempotency-key-reused' && slug !== 'invalid-idempotency-key',
);

const ApiTransferAccepted = (replayedWhen: string) =>
  ApiCreatedResponse({
    type: TransferCommandResponse,
    description: 'The command was applied (or had been: the first response again)',
    headers: {
      'Idempotent-Replayed': { description: `Present when ${replayedWhen}`, schema: { type: 'string', enum: ['true'] } },
    },
  });

/**
 * `POST /transfers`: `ledger:write`; the body's `transferId` is the exactly-once key, so no
 * Idempotency-Key header is read.
 */
export function NewTransferRoute(operation: TransferOperation) {
  return applyDecorators(
    RequiresScope('ledger:write'),
    Post(),
    SerializedCreated(TRANSFER_COMMAND_BODY),
    ApiOperation({ summary: operation.summary, description: operation.description }),
    ApiTransferAccepted('this transfer (the same id and terms, from the same caller) was made before: the first response again'),
    ApiProblems(...TRANSFER_COMMAND, ...operation.refusals),
  );
}

/** `POST /transfers/{transferId}/<action>`: `ledger:write`, on an existing transfer, with an optional Idempotency-Key. */
export function TransferActionRoute(action: string, operation: TransferOperation) {
  return applyDecorators(
    RequiresScope('ledger:write'),
    Post(`:transferId/${action}`),
    SerializedCreated(TRANSFER_COMMAND_BODY),
    ApiOperation({ summary: operation.summary, description: operation.description }),
    ApiUuidParam('transferId', 'The transfer id (a UUID)'),
    ApiIdempotencyKeyHeader(),
    ApiTransferAccepted('this is the response an earlier request with the same Idempotency-Key got'),
    ApiProblems(...COMMAND, 'invalid-transfer-id', 'transfer-not-found', ...operation.refusals),
  );
}

/** The path's transfer id, a UUID in lower case. */
export const TransferIdParam = () => Param('transferId', TransferIdPipe);
