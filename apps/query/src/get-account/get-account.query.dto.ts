import { QueryInteger } from '../edge/query-param.decorators';

export const DEFAULT_WAIT_MS = 2_000;
export const MAX_WAIT_MS = 10_000;

export class GetAccountQueryDto {
  @QueryInteger({
    min: 1,
    max: Number.MAX_SAFE_INTEGER,
    description: 'Read-your-writes: answer only once the read model has applied this version (the command response `version`)',
  })
  minVersion?: number;

  @QueryInteger({
    min: 0,
    max: MAX_WAIT_MS,
    default: DEFAULT_WAIT_MS,
    description: 'How long to wait for minVersion, in ms; ignored without it',
  })
  waitMs: number = DEFAULT_WAIT_MS;
}
