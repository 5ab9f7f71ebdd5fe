import { CurrentCaller, RequiresScope, type Caller } from '@ledger/auth';
import { Controller, Get, Param, Query, Res } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import { ApiUuidParam } from '@ledger/platform';
import { annotateActiveSpan } from '@ledger/tracing';
import { ApiProblems } from '../edge/api-problems.decorator';
import { clientGoneSignal } from '../edge/client-gone.signal';
import { tooManyWaiters, transferNotFound } from '../edge/query-problems';
import { TransferIdPipe } from '../transfers/transfer-id.pipe';
import { GetTransferHandler } from './get-transfer.handler';
import { GetTransferQueryDto } from './get-transfer.query.dto';
import { TransferResponse, toTransferResponse } from './transfer.response';

@ApiTags('transfers')
@Controller('transfers')
export class GetTransferHttpController {
  constructor(private readonly handler: GetTransferHandler) {}

  @RequiresScope('ledger:read')
  @Get(':transferId')
  @ApiOperation({
    summary: 'Read a transfer',
    description:
      'A transfer is never shown half done: the answer is its latest state whose every leg (the debit, the credit, the hold ' +
      'and its release or posting, as the state requires) the read model holds; a transfer with no such state yet is a 404. ' +
      "With `waitMs`, waits (up to that) until the latest state the read model holds of the transfer's own stream is whole, " +
      'then answers with the latest whole state. Either party (the owner of the source or of the destination account) and ' +
      'operators may read it; for anyone else it is a 404, the same answer as for a missing transfer.',
  })
  @ApiUuidParam('transferId', 'The transfer id (a UUID), as chosen by the client that created it')
  @ApiOkResponse({ type: TransferResponse, description: 'The transfer in its latest whole state' })
  @ApiProblems('validation', 'invalid-transfer-id', 'transfer-not-found')
  async get(
    @Param('transferId', TransferIdPipe) transferId: string,
    @Query() query: GetTransferQueryDto,
    @Res({ passthrough: true }) response: FastifyReply,
    @CurrentCaller() caller: Caller,
  ): Promise<TransferResponse> {
    const signal = query.waitMs === undefined ? undefined : clientGoneSignal(response);
    const result = await this.handler.handle({ transferId, caller, waitMs: query.waitMs, signal });
    annotateActiveSpan({ 'ledger.transfer_id': transferId, 'ledger.read.version': result.kind === 'found' ? result.state.version : 0 });
    switch (result.kind) {
      case 'found':
        return toTransferResponse(result.transfer, result.state);
      case 'not-found':
        throw transferNotFound(transferId);
      case 'busy':
        throw tooManyWaiters();
      default: {
        const unknown: never = result;
        throw new Error(`unknown result ${JSON.stringify(unknown)}`);
      }
    }
  }
}
