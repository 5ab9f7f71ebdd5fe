import { decodeJwt } from 'jose';
import { eventually } from './eventually';
import { RefreshingTokenSource } from './refreshing-token.source';
import { mintToken } from './test-issuer';

describe('RefreshingTokenSource with the stack issuer', () => {
  it('given tokens that live 3 s, then a new one is there before the first expires, for the same subject', async () => {
    const source = await RefreshingTokenSource.start(() => mintToken({ sub: 'refreshing-token-spec', ttlSeconds: 3 }));
    try {
      const first = source.value;
      const firstExpiry = decodeJwt(first).exp as number;

      await eventually(() => source.value !== first, 10_000, 'a refreshed token');

      const next = decodeJwt(source.value);
      expect(next.sub).toBe('refreshing-token-spec');
      expect(next.exp).toBeGreaterThan(firstExpiry);
      // Fetched a fifth of the lifetime ahead: the issuer minted it before the first one expired.
      expect(next.iat).toBeLessThan(firstExpiry);
    } finally {
      source.stop();
    }
  });
});
