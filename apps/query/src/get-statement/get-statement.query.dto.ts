import { QueryTimestamp } from '../edge/query-param.decorators';

export class GetStatementQueryDto {
  @QueryTimestamp({ required: true, description: 'Start of the period, inclusive (RFC 3339)' })
  from!: string;

  @QueryTimestamp({ required: true, description: 'End of the period, exclusive (RFC 3339)' })
  to!: string;
}
