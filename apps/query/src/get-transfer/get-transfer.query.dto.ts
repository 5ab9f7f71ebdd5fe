import { MAX_WAIT_MS } from '../get-account/get-account.query.dto';
import { QueryInteger } from '../edge/query-param.decorators';

export class GetTransferQueryDto {
  @QueryInteger({
    min: 0,
    max: MAX_WAIT_MS,
    description:
      "How long to wait, in ms, for the transfer's latest state to be whole (every leg of it in the read model); " +
      'without it, the answer is at once',
  })
  waitMs?: number;
}
