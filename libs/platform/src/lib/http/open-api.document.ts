import type { INestApplication } from '@nestjs/common';
import { DocumentBuilder, SwaggerModule, type HeaderObject, type OpenAPIObject } from '@nestjs/swagger';
import { describeSecurity } from '@ledger/auth';

export interface ApiDescription {
  readonly title: string;
  readonly description: string;
  readonly version: string;
  /** OIDC_ISSUER: the security scheme names its discovery document. */
  readonly issuer: string;
  /** Every tag the operations use, with what it groups. */
  readonly tags: Readonly<Record<string, string>>;
}

const INT32_COUNT = { type: 'integer', format: 'int32', minimum: 0, maximum: 2_147_483_647 } as const;
const SENT_WHEN_LIMITED = 'Absent for callers without a limit and on answers given before the limiter (431).';

/** What the rate limiter (@fastify/rate-limit) writes on every response it sees. */
export const RATE_LIMIT_HEADERS: Readonly<Record<string, HeaderObject>> = {
  'X-RateLimit-Limit': { description: `Requests the caller may send per window. ${SENT_WHEN_LIMITED}`, schema: INT32_COUNT },
  'X-RateLimit-Remaining': { description: `Requests left in the current window. ${SENT_WHEN_LIMITED}`, schema: INT32_COUNT },
  'X-RateLimit-Reset': { description: `Seconds until the window starts again. ${SENT_WHEN_LIMITED}`, schema: INT32_COUNT },
};

/** The document is served by the service it describes, so its server is the address it was fetched from. */
const SERVER = {
  url: '/',
  description: 'This service (local, staging or production), at the address this document is served from.',
  'x-internal': false,
};

const LIMITED_STATUS = /^[24]/;

/**
 * Every operation that needs a token is rate limited per caller (the limiter exempts only the public
 * routes), so each of its success and client-error responses declares the limiter's headers.
 */
function declareRateLimits(document: OpenAPIObject): OpenAPIObject {
  for (const item of Object.values(document.paths)) {
    for (const operation of [item.get, item.put, item.post, item.delete, item.patch]) {
      if (!operation?.security?.length) continue;
      for (const [status, response] of Object.entries(operation.responses)) {
        if (!LIMITED_STATUS.test(status) || response === undefined || '$ref' in response) continue;
        response.headers = { ...RATE_LIMIT_HEADERS, ...response.headers };
      }
    }
  }
  return { ...document, servers: [SERVER] };
}

/** The API description at `/docs` (JSON at `/docs-json`), public like the health probes. */
export function serveOpenApi(app: INestApplication, api: ApiDescription): void {
  const builder = describeSecurity(new DocumentBuilder(), api.issuer)
    .setTitle(api.title)
    .setDescription(api.description)
    .setVersion(api.version)
    .setLicense('MIT', 'https://opensource.org/license/mit');
  for (const [name, description] of Object.entries(api.tags)) builder.addTag(name, description);
  const config = builder.build();
  SwaggerModule.setup('docs', app, () => declareRateLimits(SwaggerModule.createDocument(app, config)));
}
