import { refreshDelayMs, RefreshingTokenSource } from './refreshing-token.source';

/** A JWT-shaped string with these claims (unsigned: only the claims are read). */
const tokenWith = (claims: Record<string, unknown>) =>
  ['{"alg":"ES256"}', JSON.stringify(claims), 'signature'].map((part) => Buffer.from(part).toString('base64url')).join('.');

describe('refreshDelayMs', () => {
  const now = 1_800_000_000_000;
  const iat = now / 1000;

  it('given an hour-long token just issued, then its successor is fetched 5 minutes before it expires', () => {
    expect(refreshDelayMs(tokenWith({ iat, exp: iat + 3600 }), now)).toBe(3_300_000);
  });

  it('given a short-lived token, then a fifth of its lifetime is left when the next one is fetched', () => {
    expect(refreshDelayMs(tokenWith({ iat, exp: iat + 10 }), now)).toBe(8_000);
  });

  it('given a token whose refresh moment has passed, then it is fetched at once', () => {
    expect(refreshDelayMs(tokenWith({ iat: iat - 3600, exp: iat + 1 }), now)).toBe(0);
  });

  it.each([['not a token'], [tokenWith({ iat })], [tokenWith({ exp: 'soon' })]])(
    'given %s (no readable expiry), then no refresh is planned',
    (token) => {
      expect(refreshDelayMs(token, now)).toBeUndefined();
    },
  );
});

describe('RefreshingTokenSource', () => {
  beforeEach(() => jest.useFakeTimers({ now: 1_800_000_000_000 }));
  afterEach(() => jest.useRealTimers());

  /** The n-th token, issued when it is fetched (at the clock's current second), living 100 s. */
  const issued = (n: number, at = Math.floor(Date.now() / 1000)) => tokenWith({ n, iat: at, exp: at + 100 });
  const startSecond = 1_800_000_000;

  it('given tokens that live 100 s, then the next is fetched 20 s before the current one expires, and so on', async () => {
    let fetched = 0;
    const source = await RefreshingTokenSource.start(async () => issued(++fetched));
    expect([fetched, source.authorization]).toEqual([1, `Bearer ${issued(1, startSecond)}`]);

    await jest.advanceTimersByTimeAsync(79_999);
    expect(fetched).toBe(1);
    await jest.advanceTimersByTimeAsync(1);
    expect([fetched, source.value]).toEqual([2, issued(2, startSecond + 80)]);
    await jest.advanceTimersByTimeAsync(80_000);
    expect(fetched).toBe(3);
    source.stop();
    await jest.advanceTimersByTimeAsync(1_000_000);
    expect(fetched).toBe(3);
  });

  it('given the issuer down at refresh time, then the current token is kept and the fetch tried again until it succeeds', async () => {
    const answers = [async () => issued(1), async () => Promise.reject(new Error('down')), async () => issued(3)];
    let calls = 0;
    const source = await RefreshingTokenSource.start(() => (answers[calls++] as () => Promise<string>)());

    await jest.advanceTimersByTimeAsync(80_000);
    expect([calls, source.value]).toEqual([2, issued(1, startSecond)]);
    await jest.advanceTimersByTimeAsync(5_000);
    expect([calls, source.value]).toEqual([3, issued(3, startSecond + 85)]);
    source.stop();
  });

  it('given no first token, then it does not start', async () => {
    await expect(RefreshingTokenSource.start(async () => Promise.reject(new Error('issuer down')))).rejects.toThrow('issuer down');
  });
});
