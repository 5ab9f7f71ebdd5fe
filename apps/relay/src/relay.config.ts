import { IsInt, Max, Min } from 'class-validator';
import { KafkaConfig } from '@ledger/platform';

export class RelayConfig extends KafkaConfig {
  @IsInt()
  @Min(1)
  @Max(65535)
  RELAY_PORT: number = 3003;
}
