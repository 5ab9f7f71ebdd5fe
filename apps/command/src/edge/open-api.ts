import type { INestApplication } from '@nestjs/common';
import { serveOpenApi } from '@ledger/platform';

/** OpenAPI at `/docs` (JSON at `/docs-json`): every command with its success and problem responses. */
export function setupOpenApi(app: INestApplication, version: string, issuer: string): void {
  serveOpenApi(app, {
    title: 'Ledger command API',
    description:
      'Commands on bank accounts. Money is an integer number of minor units. ' +
      'Errors are application/problem+json with a stable `type`.',
    version,
    issuer,
    tags: {
      accounts: 'Bank accounts: open, move money, freeze, close',
      transfers: 'Money between accounts, at once or as a hold: transfer, post, void',
    },
  });
}
