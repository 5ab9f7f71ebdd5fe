import { ApiParam } from '@nestjs/swagger';

/** UUID_LENGTH: 8-4-4-4-12 hex digits and four hyphens. */
const UUID_LENGTH = 36;

/** Documents a path parameter as UuidParamPipe takes it: a UUID, in any case. */
export const ApiUuidParam = (name: string, description: string) =>
  ApiParam({
    name,
    format: 'uuid',
    schema: { type: 'string', format: 'uuid', minLength: UUID_LENGTH, maxLength: UUID_LENGTH },
    description,
  });

/** The `accountId` path parameter, as AccountIdPipe takes it. */
export const ApiAccountIdParam = () => ApiUuidParam('accountId', 'The account id (a UUID)');
