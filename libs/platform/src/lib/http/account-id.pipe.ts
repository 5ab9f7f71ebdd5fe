import { Injectable, PipeTransform } from '@nestjs/common';
import { isUuid } from '@ledger/domain';
import { sharedProblem } from './problem';

/** Account ids are UUIDs; a malformed one is the client's 400, never a lookup. Normalised to lower case. */
@Injectable()
export class AccountIdPipe implements PipeTransform<string, string> {
  transform(value: string): string {
    if (!isUuid(value)) {
      throw sharedProblem('invalid-account-id', 'The account id must be a UUID.');
    }
    return value.toLowerCase();
  }
}
