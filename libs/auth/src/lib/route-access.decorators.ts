import { applyDecorators, createParamDecorator, ExecutionContext, SetMetadata } from '@nestjs/common';
import { ApiSecurity } from '@nestjs/swagger';
import type { Scope } from './caller';
import { callerOf } from './request-caller';

export const PUBLIC_ROUTE = 'ledger:public-route';
export const REQUIRED_SCOPE = 'ledger:required-scope';
/** The OpenAPI security scheme every protected route names (declared by `describeSecurity`). */
export const SECURITY_SCHEME = 'oidc';

/** Served without a token: health and documentation only. */
export const Public = () => SetMetadata(PUBLIC_ROUTE, true);

/** The route needs a verified token carrying `scope`; OpenAPI shows it as the operation's security requirement. */
export const RequiresScope = (scope: Scope) => applyDecorators(SetMetadata(REQUIRED_SCOPE, scope), ApiSecurity(SECURITY_SCHEME, [scope]));

/** The verified caller of the request (set by the access guard before any handler runs). */
export const CurrentCaller = createParamDecorator((_: unknown, context: ExecutionContext) => callerOf(context.switchToHttp().getRequest()));
