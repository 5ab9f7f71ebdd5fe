import { MinorUnits } from '../../edge/money.decorators';

export class WithdrawDto {
  @MinorUnits({ min: 1, description: 'Amount in minor units' })
  amount: number;
}
