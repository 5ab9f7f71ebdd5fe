import { PipeTransform } from '@nestjs/common';
import { isUuid } from '@ledger/primitives';
import { commandProblem } from './account-problems';

/** The path's transfer id: a malformed one is the client's 400, never a lookup. Normalised to lower case. */
export class TransferIdPipe implements PipeTransform<string, string> {
  transform(value: string): string {
    if (!isUuid(value)) throw commandProblem('invalid-transfer-id', 'The transfer id must be a UUID.');
    return value.toLowerCase();
  }
}
