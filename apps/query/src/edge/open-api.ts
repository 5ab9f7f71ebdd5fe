import type { INestApplication } from '@nestjs/common';
import { serveOpenApi } from '@ledger/platform';

/** OpenAPI at `/docs` (JSON at `/docs-json`): every endpoint with its success and problem responses. */
export function setupOpenApi(app: INestApplication, version: string, issuer: string): void {
  serveOpenApi(app, {
    title: 'Ledger query API',
    description:
      'Read models of bank accounts and transfers: an account with its summary, its history, its balance at an instant and its ' +
      'statement for a period, accounts by owner, a live stream of changes, and transfers (never shown half done). ' +
      'Money is an integer number of minor units. Errors are application/problem+json with a stable `type`.',
    version,
    issuer,
    tags: { accounts: 'Bank accounts as the read model holds them', transfers: 'Transfers between accounts, and holds' },
  });
}
