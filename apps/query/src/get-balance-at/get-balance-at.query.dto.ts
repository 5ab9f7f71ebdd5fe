import { QueryTimestamp } from '../edge/query-param.decorators';

export class GetBalanceAtQueryDto {
  @QueryTimestamp({ required: true, description: 'The instant (RFC 3339, with an offset): the account as it stood then' })
  at!: string;
}
