import type { RateLimitPluginOptions } from '@fastify/rate-limit';
import { bearerTokenOf, isOperator, type Caller } from '@ledger/auth';
import type { FastifyRequest } from 'fastify';
import type { ApiConfig } from '../config/common-config';
import { sharedProblem } from './problem';

/** What the limiter needs of the app's AccessTokenVerifier (which caches verified tokens: a map lookup). */
export interface CallerVerifier {
  verify(token: string): Promise<Caller>;
}

/** A caller may send `max` requests per window of `windowMs`. */
export interface RateLimit {
  readonly max: number;
  readonly windowMs: number;
}

export interface RateLimits {
  readonly caller: RateLimit;
  /** Callers with `ledger:operate`; null: not limited. */
  readonly operator: RateLimit | null;
}

/** Probes, the API description and metrics are never limited. */
const EXEMPT_ROUTE = /^\/(?:health|docs|metrics)(?:[/-]|$)/;
/** Keys the limiter ever holds: every caller, and every address sending without a valid token. */
const KEYS_REMEMBERED = 10_000;

export const EXEMPT_KEY = 'exempt';
const OPERATOR = 'operator:';
const CALLER = 'caller:';
const ADDRESS = 'address:';

/**
 * "`perSecond` with bursts of `burst`" as @fastify/rate-limit's fixed window: `burst` requests per
 * window of burst / perSecond seconds (100 per 2 s by default). The average never passes `perSecond`
 * over a window; a caller that spends one window's allowance at its end and the next one's at the
 * start of the following window sends up to 2 × burst within a short time.
 */
export function rateLimitOf(perSecond: number, burst: number): RateLimit {
  return { max: burst, windowMs: Math.max(1, Math.round((burst * 1_000) / perSecond)) };
}

export function rateLimitsOf(config: ApiConfig): RateLimits {
  return {
    caller: rateLimitOf(config.RATE_LIMIT_PER_SECOND, config.RATE_LIMIT_BURST),
    operator:
      config.RATE_LIMIT_OPERATOR_PER_SECOND > 0
        ? rateLimitOf(config.RATE_LIMIT_OPERATOR_PER_SECOND, config.RATE_LIMIT_OPERATOR_BURST)
        : null,
  };
}

/**
 * Whom a request counts against. The access guard runs after fastify's hooks, so the limiter verifies
 * the token itself (a cache hit for any token seen before). A request without a valid token is counted
 * against its address with the callers' limit: the guard answers it 401, but each such attempt still
 * costs a signature check, so a flood of bad tokens is limited like any caller's traffic.
 */
export async function rateLimitKeyOf(request: FastifyRequest, verifier: CallerVerifier): Promise<string> {
  if (EXEMPT_ROUTE.test(request.routeOptions.url ?? '')) return EXEMPT_KEY;
  let caller: Caller;
  try {
    caller = await verifier.verify(bearerTokenOf(request.headers.authorization));
  } catch {
    return `${ADDRESS}${request.ip}`;
  }
  return `${isOperator(caller) ? OPERATOR : CALLER}${caller.subject}`;
}

const limitFor = (limits: RateLimits, key: string): RateLimit =>
  key.startsWith(OPERATOR) && limits.operator ? limits.operator : limits.caller;

/** The limiter's options: keyed on the verified caller, answering 429 `rate-limited` (problem+json) with Retry-After. */
export function rateLimitOptions(limits: RateLimits, verifier: CallerVerifier): RateLimitPluginOptions {
  return {
    global: true,
    cache: KEYS_REMEMBERED,
    keyGenerator: (request) => rateLimitKeyOf(request, verifier),
    allowList: (_request, key) => key === EXEMPT_KEY || (limits.operator === null && key.startsWith(OPERATOR)),
    max: (_request, key) => limitFor(limits, key).max,
    timeWindow: (_request, key) => limitFor(limits, key).windowMs,
    errorResponseBuilder: (_request, context) =>
      sharedProblem('rate-limited', `This caller sent more than ${context.max} requests in its window; retry after Retry-After seconds.`),
  };
}
