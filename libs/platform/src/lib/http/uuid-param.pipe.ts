import { PipeTransform } from '@nestjs/common';
import { isUuid } from '@ledger/primitives';
import { sharedProblem, type SharedProblemSlug } from './problem';

/** A path parameter that must be a UUID: a malformed one is the client's 400, never a lookup. Normalised to lower case. */
export class UuidParamPipe implements PipeTransform<string, string> {
  constructor(
    private readonly invalid: SharedProblemSlug,
    private readonly detail: string,
  ) {}

  transform(value: string): string {
    if (!isUuid(value)) {
      throw sharedProblem(this.invalid, this.detail);
    }
    return value.toLowerCase();
  }
}

/** The account routes' `accountId`, which both HTTP apps refuse alike (`invalid-account-id`). */
export const AccountIdPipe = new UuidParamPipe('invalid-account-id', 'The account id must be a UUID.');
