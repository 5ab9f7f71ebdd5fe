import type { DocumentBuilder } from '@nestjs/swagger';
import { SECURITY_SCHEME } from './route-access.decorators';

/** Declares the issuer's OpenID Connect scheme that `@RequiresScope()` routes name. */
export function describeSecurity(builder: DocumentBuilder, issuer: string): DocumentBuilder {
  return builder.addSecurity(SECURITY_SCHEME, {
    type: 'openIdConnect',
    openIdConnectUrl: `${issuer.replace(/\/$/, '')}/.well-known/openid-configuration`,
    description: 'JWT access tokens (RFC 9068) from the issuer; scopes ledger:read, ledger:write, ledger:operate.',
  });
}
