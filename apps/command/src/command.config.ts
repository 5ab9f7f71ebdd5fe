import { IsInt, Max, Min } from 'class-validator';
import { CommonConfig } from '@ledger/platform';

export class CommandConfig extends CommonConfig {
  @IsInt()
  @Min(1)
  @Max(65535)
  COMMAND_PORT: number = 3001;
}
