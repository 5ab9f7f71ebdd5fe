import { CanActivate, ExecutionContext, Injectable } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import type { FastifyRequest } from 'fastify';
import { AccessTokenVerifier } from './access-token.verifier';
import { InsufficientScopeError } from './auth.errors';
import { bearerTokenOf } from './bearer-token';
import type { Scope } from './caller';
import { rememberCaller } from './request-caller';
import { PUBLIC_ROUTE, REQUIRED_SCOPE } from './route-access.decorators';

/**
 * Every route needs a verified bearer token unless it is `@Public()`, and the scope its
 * `@RequiresScope()` names. The caller is recorded on the request for `@CurrentCaller()`.
 */
@Injectable()
export class AccessGuard implements CanActivate {
  constructor(
    private readonly reflector: Reflector,
    private readonly verifier: AccessTokenVerifier,
  ) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const targets = [context.getHandler(), context.getClass()];
    if (this.reflector.getAllAndOverride<boolean>(PUBLIC_ROUTE, targets)) return true;
    const request = context.switchToHttp().getRequest<FastifyRequest>();
    const caller = await this.verifier.verify(bearerTokenOf(request.headers.authorization));
    const scope = this.reflector.getAllAndOverride<Scope | undefined>(REQUIRED_SCOPE, targets);
    if (scope !== undefined && !caller.scopes.has(scope)) throw new InsufficientScopeError(scope);
    rememberCaller(request, caller);
    return true;
  }
}
