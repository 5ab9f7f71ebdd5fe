import { isUuid } from '@ledger/domain';
import { ValidateBy, type ValidationOptions } from 'class-validator';

/** A body field that must be a UUID by the domain's own rule, the one every other id is checked with. */
export function IsDomainUuid(options?: ValidationOptions): PropertyDecorator {
  return ValidateBy(
    {
      name: 'isDomainUuid',
      validator: {
        validate: (value: unknown) => isUuid(value),
        defaultMessage: () => '$property must be a UUID',
      },
    },
    options,
  );
}
