import { ValidateIf } from 'class-validator';
import { PlainText } from '../../edge/text.decorators';

export class FreezeDto {
  @ValidateIf((dto: FreezeDto) => dto.reason !== undefined)
  @PlainText({ min: 1, max: 500, required: false, example: 'Suspected fraud' })
  reason?: string;
}
