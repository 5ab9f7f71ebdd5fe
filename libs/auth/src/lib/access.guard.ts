import { CanActivate, ExecutionContext, Injectable } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import type { FastifyRequest } from 'fastify';
import { AccessTokenVerifier } from './access-token.verifier';
import { InsufficientScopeError } from './auth.errors';
import { bearerTokenOf } from './bearer-token';
import type { Scope } from './caller';
import { rememberCaller } from './request-caller';
import { PUBLIC_ROUTE, REQUIRED_SCOPE } from './route-access.decorators';

/** What a route asks of its caller, as its decorators declare it. */
interface RouteAccess {
  readonly isPublic: boolean;
  readonly scope: Scope | undefined;
}

/**
 * Every route needs a verified bearer token unless it is `@Public()`, and the scope its
 * `@RequiresScope()` names. The caller is recorded on the request for `@CurrentCaller()`.
 */
@Injectable()
export class AccessGuard implements CanActivate {
  /** Decorators are fixed once a class is declared: each route's access is read once (by class, then handler), not per request. */
  private readonly accessByRoute = new WeakMap<object, WeakMap<object, RouteAccess>>();

  constructor(
    private readonly reflector: Reflector,
    private readonly verifier: AccessTokenVerifier,
  ) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const { isPublic, scope } = this.accessOf(context);
    if (isPublic) return true;
    const request = context.switchToHttp().getRequest<FastifyRequest>();
    const caller = await this.verifier.verify(bearerTokenOf(request.headers.authorization));
    if (scope !== undefined && !caller.scopes.has(scope)) throw new InsufficientScopeError(scope);
    rememberCaller(request, caller);
    return true;
  }

  private accessOf(context: ExecutionContext): RouteAccess {
    const handler = context.getHandler();
    const controller = context.getClass();
    let byHandler = this.accessByRoute.get(controller);
    if (byHandler === undefined) {
      byHandler = new WeakMap();
      this.accessByRoute.set(controller, byHandler);
    }
    let access = byHandler.get(handler);
    if (access === undefined) {
      const targets = [handler, controller];
      access = {
        isPublic: this.reflector.getAllAndOverride<boolean | undefined>(PUBLIC_ROUTE, targets) === true,
        scope: this.reflector.getAllAndOverride<Scope | undefined>(REQUIRED_SCOPE, targets),
      };
      byHandler.set(handler, access);
    }
    return access;
  }
}
