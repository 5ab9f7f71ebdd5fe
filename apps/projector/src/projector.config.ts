import { IsInt, Max, Min } from 'class-validator';
import { KafkaConfig } from '@ledger/platform';

export class ProjectorConfig extends KafkaConfig {
  @IsInt()
  @Min(1)
  @Max(65535)
  PROJECTOR_PORT: number = 3004;
}
