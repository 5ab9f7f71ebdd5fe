import { UnauthenticatedError, type Caller } from '@ledger/auth';
import type { FastifyRequest } from 'fastify';
import { EXEMPT_KEY, rateLimitKeyOf, rateLimitOf, rateLimitOptions, type CallerVerifier, type RateLimits } from './rate-limit';

const caller = (subject: string, scope: string): Caller => ({
  subject,
  clientId: null,
  scopes: new Set(scope.split(' ')),
  expiresAt: new Date(Date.now() + 60_000),
});

/** Knows two tokens; any other is refused as the real verifier refuses it. */
const verifier: CallerVerifier = {
  verify: async (token) => {
    if (token === 'alice-token') return caller('alice', 'ledger:read ledger:write');
    if (token === 'ops-token') return caller('ops', 'ledger:read ledger:operate');
    throw new UnauthenticatedError('unknown token');
  },
};

const requestTo = (route: string, authorization?: string): FastifyRequest =>
  ({ routeOptions: { url: route }, headers: authorization ? { authorization } : {}, ip: '10.0.0.7' }) as unknown as FastifyRequest;

describe('rate limit', () => {
  it('given 50 per second with bursts of 100, then the window holds 100 requests for 2 s', () => {
    expect(rateLimitOf(50, 100)).toEqual({ max: 100, windowMs: 2_000 });
    expect(rateLimitOf(1_000, 10)).toEqual({ max: 10, windowMs: 10 });
  });

  it('keys a request with a valid token on its subject, an operator apart from the others', async () => {
    await expect(rateLimitKeyOf(requestTo('/accounts/:accountId', 'Bearer alice-token'), verifier)).resolves.toBe('caller:alice');
    await expect(rateLimitKeyOf(requestTo('/accounts', 'Bearer ops-token'), verifier)).resolves.toBe('operator:ops');
  });

  it('keys a request without a valid token on its address', async () => {
    await expect(rateLimitKeyOf(requestTo('/accounts', 'Bearer forged'), verifier)).resolves.toBe('address:10.0.0.7');
    await expect(rateLimitKeyOf(requestTo('/accounts'), verifier)).resolves.toBe('address:10.0.0.7');
  });

  it('exempts health, docs and metrics without looking at the token', async () => {
    for (const route of ['/health/live', '/health/ready', '/docs', '/docs/*', '/docs-json', '/metrics']) {
      await expect(rateLimitKeyOf(requestTo(route, 'Bearer forged'), verifier)).resolves.toBe(EXEMPT_KEY);
    }
    await expect(rateLimitKeyOf(requestTo('/healthy'), verifier)).resolves.not.toBe(EXEMPT_KEY);
  });

  describe('options', () => {
    const limits = (operator: RateLimits['operator']): RateLimits => ({ caller: { max: 100, windowMs: 2_000 }, operator });
    const request = requestTo('/accounts');
    type Fn<T> = (request: FastifyRequest, key: string) => T;

    it('leaves operators unlimited when their limit is off, and limits everyone else', () => {
      const allowList = rateLimitOptions(limits(null), verifier).allowList as Fn<boolean>;
      expect(allowList(request, 'operator:ops')).toBe(true);
      expect(allowList(request, EXEMPT_KEY)).toBe(true);
      expect(allowList(request, 'caller:alice')).toBe(false);
      expect(allowList(request, 'address:10.0.0.7')).toBe(false);
    });

    it('gives operators their own limit when it is set', () => {
      const options = rateLimitOptions(limits({ max: 4_000, windowMs: 1_000 }), verifier);
      expect((options.allowList as Fn<boolean>)(request, 'operator:ops')).toBe(false);
      expect((options.max as Fn<number>)(request, 'operator:ops')).toBe(4_000);
      expect((options.timeWindow as Fn<number>)(request, 'operator:ops')).toBe(1_000);
      expect((options.max as Fn<number>)(request, 'caller:alice')).toBe(100);
      expect((options.timeWindow as Fn<number>)(request, 'caller:alice')).toBe(2_000);
    });
  });
});
