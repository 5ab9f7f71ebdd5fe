import { IsInt, Max, Min } from 'class-validator';
import { CommonConfig } from '@ledger/platform';

export class QueryConfig extends CommonConfig {
  @IsInt()
  @Min(1)
  @Max(65535)
  QUERY_PORT: number = 3002;
}
