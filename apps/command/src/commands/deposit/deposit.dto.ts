import { MinorUnits } from '../../edge/money.decorators';

export class DepositDto {
  @MinorUnits({ min: 1, description: 'Amount in minor units' })
  amount: number;
}
