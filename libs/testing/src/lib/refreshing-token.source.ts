/** How long before its expiry a token is replaced: a fifth of its lifetime, at most this. */
const MAX_REFRESH_MARGIN_MS = 300_000;
/** After a failed fetch the current token is kept and the fetch tried again this much later. */
const RETRY_MS = 5_000;

/** `iat` and `exp` of a JWT, read without verifying it: a client only plans when to ask for the next one. */
function lifetimeOf(token: string): { readonly issuedAtMs: number; readonly expiresAtMs: number } | undefined {
  try {
    const claims = JSON.parse(Buffer.from(token.split('.')[1] ?? '', 'base64url').toString('utf8')) as { iat?: unknown; exp?: unknown };
    if (typeof claims.exp !== 'number') return undefined;
    const expiresAtMs = claims.exp * 1000;
    return { issuedAtMs: typeof claims.iat === 'number' ? claims.iat * 1000 : expiresAtMs, expiresAtMs };
  } catch {
    return undefined;
  }
}

/**
 * When to fetch the next token: a fifth of the token's lifetime (at most 5 minutes) before it expires,
 * at once when that moment has passed; undefined when the token says nothing of its expiry.
 */
export function refreshDelayMs(token: string, nowMs: number): number | undefined {
  const lifetime = lifetimeOf(token);
  if (lifetime === undefined) return undefined;
  const margin = Math.min(MAX_REFRESH_MARGIN_MS, (lifetime.expiresAtMs - lifetime.issuedAtMs) / 5);
  return Math.max(0, Math.round(lifetime.expiresAtMs - margin - nowMs));
}

/**
 * An access token for a run that may outlive it (a load, a chaos run, a benchmark): `value` is always
 * the latest token, and a new one is fetched before the current one expires. A failed fetch keeps the
 * current token and tries again a few seconds later.
 */
export class RefreshingTokenSource {
  private timer: NodeJS.Timeout | undefined;
  private stopped = false;

  private constructor(
    private token: string,
    private readonly fetchToken: () => Promise<string>,
  ) {}

  /** Resolves once the first token is there; rejects when it cannot be had. */
  static async start(fetchToken: () => Promise<string>): Promise<RefreshingTokenSource> {
    const source = new RefreshingTokenSource(await fetchToken(), fetchToken);
    source.schedule(refreshDelayMs(source.token, Date.now()));
    return source;
  }

  get value(): string {
    return this.token;
  }

  /** The `Authorization` header value. */
  get authorization(): string {
    return `Bearer ${this.token}`;
  }

  stop(): void {
    this.stopped = true;
    clearTimeout(this.timer);
  }

  private schedule(delayMs: number | undefined): void {
    if (this.stopped || delayMs === undefined) return;
    this.timer = setTimeout(() => void this.refresh(), delayMs);
    // A run that is over must not be held open by its next refresh.
    this.timer.unref();
  }

  private async refresh(): Promise<void> {
    try {
      this.token = await this.fetchToken();
      this.schedule(refreshDelayMs(this.token, Date.now()));
    } catch {
      this.schedule(RETRY_MS);
    }
  }
}
