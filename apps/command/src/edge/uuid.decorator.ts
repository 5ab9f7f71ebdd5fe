import { isUuid } from '@ledger/primitives';
import { ValidateBy, type ValidationOptions } from 'class-validator';

/** A body field that must be a UUID by `isUuid`, the rule every other id is checked with. */
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
