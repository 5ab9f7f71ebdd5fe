import { ValidateIf } from 'class-validator';
import { MinorUnits } from '../../edge/money.decorators';

export class PostTransferDto {
  /** Optional, but never null: absent means all of the hold. */
  @ValidateIf((dto: PostTransferDto) => dto.amount !== undefined)
  @MinorUnits({ min: 1, description: 'Amount in minor units to move, at most the hold (default: all of it)', required: false })
  amount?: number;
}
