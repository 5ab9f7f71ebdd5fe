import type { PipeTransform } from '@nestjs/common';
import { isUuid } from '@ledger/primitives';
import { invalidTransferId } from '../edge/query-problems';

/** The transfer routes' `transferId`: a malformed one is the client's 400, never a lookup. Normalised to lower case. */
export class TransferIdPipe implements PipeTransform<string, string> {
  transform(value: string): string {
    if (!isUuid(value)) throw invalidTransferId();
    return value.toLowerCase();
  }
}
