import { ApiParam } from '@nestjs/swagger';

/** UUID_LENGTH: 8-4-4-4-12 hex digits and four hyphens. */
const UUID_LENGTH = 36;

/** Documents the `accountId` path parameter as AccountIdPipe takes it: a UUID, in any case. */
export const ApiAccountIdParam = () =>
  ApiParam({
    name: 'accountId',
    format: 'uuid',
    schema: { type: 'string', format: 'uuid', minLength: UUID_LENGTH, maxLength: UUID_LENGTH },
    description: 'The account id (a UUID)',
  });
