import { PageQueryDto } from '../edge/page-query.dto';

export class ListTransactionsQueryDto extends PageQueryDto {}
