import type { INestApplication } from '@nestjs/common';
import { DocumentBuilder, SwaggerModule } from '@nestjs/swagger';
import { describeSecurity } from '@ledger/auth';

/** OpenAPI at `/docs` (JSON at `/docs-json`): every endpoint with its success and problem responses. */
export function setupOpenApi(app: INestApplication, version: string, issuer: string): void {
  const document = describeSecurity(new DocumentBuilder(), issuer)
    .setTitle('Ledger query API')
    .setDescription(
      'Read models of bank accounts: an account with its summary, its history, accounts by owner, and a live stream of changes. ' +
        'Money is an integer number of minor units. Errors are application/problem+json with a stable `type`.',
    )
    .setVersion(version)
    .build();
  SwaggerModule.setup('docs', app, () => SwaggerModule.createDocument(app, document));
}
