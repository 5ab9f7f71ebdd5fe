import { Injectable, PipeTransform } from '@nestjs/common';
import { problem } from '@ledger/platform';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** Account ids are UUIDs; a malformed one is the client's 400, never a lookup. Normalised to lower case. */
@Injectable()
export class AccountIdPipe implements PipeTransform<string, string> {
  transform(value: string): string {
    if (typeof value !== 'string' || !UUID.test(value)) {
      throw problem(400, 'invalid-account-id', 'Invalid account id', 'The account id must be a UUID.');
    }
    return value.toLowerCase();
  }
}
