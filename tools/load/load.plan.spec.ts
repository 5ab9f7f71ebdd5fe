import { LOAD_KINDS, LoadPlan, type PlannedRequest } from './load.plan';

function plan(seed: number, count: number, accounts = 50): PlannedRequest[] {
  const generator = new LoadPlan({ seed, accounts });
  return Array.from({ length: count }, () => generator.next());
}

describe('LoadPlan', () => {
  it('given the same seed, then the same requests in the same order', () => {
    expect(plan(42, 2_000)).toEqual(plan(42, 2_000));
  });

  it('given another seed, then another plan', () => {
    expect(plan(43, 50)).not.toEqual(plan(42, 50));
  });

  it('given a few thousand requests, then every kind of command, idempotent retries and If-Match, current and stale', () => {
    const requests = plan(7, 5_000);

    expect(new Set(requests.map((r) => r.kind))).toEqual(new Set(LOAD_KINDS));
    expect(requests.filter((r) => r.idempotencyKey !== undefined).length).toBeGreaterThan(200);
    expect(requests.filter((r) => r.ifMatch === 'current').length).toBeGreaterThan(50);
    expect(requests.filter((r) => r.ifMatch === 'stale').every((r) => r.expected === 'version-mismatch')).toBe(true);
    expect(requests.filter((r) => r.ifMatch === 'stale').length).toBeGreaterThan(50);
  });

  it('given a few thousand requests, then some withdrawals exceed the balance and are planned as refused', () => {
    const requests = plan(7, 5_000);
    const refused = requests.filter((r) => r.kind === 'withdraw' && r.expected === 'insufficient-funds');
    const accepted = requests.filter((r) => r.kind === 'withdraw' && r.expected === 'ok');

    expect(refused.length).toBeGreaterThan(100);
    expect(accepted.length).toBeGreaterThan(refused.length);
  });

  it('given a plan, then it opens the accounts it was asked for, first, each once, and acts only on opened ones', () => {
    const requests = plan(3, 3_000, 40);
    const opens = requests.filter((r) => r.kind === 'open');
    const opened = new Set<string>();

    for (const request of requests) {
      if (request.kind === 'open') opened.add(request.accountId);
      else expect(opened.has(request.accountId)).toBe(true);
    }
    expect(opens.slice(0, 40).every((r) => r.index < 200)).toBe(true);
    expect(new Set(opens.map((r) => r.accountId)).size).toBe(opens.length);
    expect(opens.every((r) => r.expected === 'ok' && r.body['accountId'] === r.accountId)).toBe(true);
  });

  it('given accounts that close, then only after their balance is withdrawn, and later requests to them are planned refused', () => {
    const requests = plan(11, 8_000, 30);
    const closes = requests.filter((r) => r.kind === 'close' && r.expected === 'ok');

    expect(closes.length).toBeGreaterThan(0);
    for (const close of closes) {
      // Its own commands; a void of one of its holds resolved long ago is refused for the hold's sake.
      const later = requests.filter(
        (r) => r.accountId === close.accountId && r.index > close.index && r.ifMatch !== 'stale' && r.kind !== 'void',
      );
      expect(later.every((r) => r.expected === 'account-closed')).toBe(true);
    }
  });

  it('given money amounts, then safe positive integers, the opening deposit possibly 0, status changes without one', () => {
    for (const request of plan(5, 3_000)) {
      if (
        request.kind === 'deposit' ||
        request.kind === 'withdraw' ||
        request.kind === 'transfer' ||
        request.kind === 'hold' ||
        request.kind === 'post'
      )
        expect(Number.isSafeInteger(request.amount) && (request.amount ?? 0) >= 1).toBe(true);
      else if (request.kind === 'open') expect(request.amount).toBeGreaterThanOrEqual(0);
      else expect(request.amount).toBeNull();
      for (const key of ['amount', 'initialDeposit']) {
        const value = request.body[key];
        if (value !== undefined) expect(Number.isSafeInteger(value)).toBe(true);
      }
    }
  });
});

describe('LoadPlan transfers', () => {
  const TRANSFER_KINDS: readonly string[] = ['transfer', 'hold', 'post', 'void'];

  it('given a few thousand requests, then immediate transfers, holds, posts and voids between two distinct opened accounts of the plan', () => {
    const requests = plan(7, 5_000);
    const opened = new Set(requests.filter((r) => r.kind === 'open').map((r) => r.accountId));
    const transfers = requests.filter((r) => TRANSFER_KINDS.includes(r.kind));

    for (const kind of TRANSFER_KINDS) expect(transfers.filter((r) => r.kind === kind && r.expected === 'ok').length).toBeGreaterThan(10);
    for (const request of transfers) {
      const [from, to] = request.accountIds;
      expect(request.accountIds).toHaveLength(2);
      expect(from).toBe(request.accountId);
      expect(from).not.toBe(to);
      expect(opened.has(from ?? '') && opened.has(to ?? '')).toBe(true);
    }
    const created = transfers.filter((r) => r.kind === 'transfer' || r.kind === 'hold');
    expect(created.every((r) => r.path === '/transfers' && r.body['fromAccountId'] === r.accountId && r.body['currency'] === 'EUR')).toBe(
      true,
    );
    expect(created.filter((r) => r.kind === 'hold').every((r) => typeof r.body['pending'] === 'object')).toBe(true);
  });

  it('given transfers beyond the available balance and holds resolved twice, then they are planned refused as the API says', () => {
    const requests = plan(7, 8_000);

    expect(requests.filter((r) => r.kind === 'transfer' && r.expected === 'insufficient-funds').length).toBeGreaterThan(5);
    expect(requests.filter((r) => r.kind === 'void' && r.expected === 'transfer-not-pending').length).toBeGreaterThan(0);
  });

  it("given posts and voids, then each names a hold the plan placed before it, on the hold's own accounts", () => {
    const requests = plan(13, 5_000);
    const holds = new Map(
      requests.filter((r) => r.kind === 'hold' && r.expected === 'ok').map((r) => [String(r.body['transferId']), r] as const),
    );

    const resolutions = requests.filter((r) => r.kind === 'post' || r.kind === 'void');
    expect(resolutions.length).toBeGreaterThan(0);
    for (const request of resolutions) {
      const transferId = request.path.split('/')[2] ?? '';
      const hold = holds.get(transferId);
      expect(hold).toBeDefined();
      expect(hold?.index).toBeLessThan(request.index);
      expect(request.accountIds).toEqual(hold?.accountIds);
      if (request.kind === 'post' && request.body['amount'] !== undefined) {
        expect(request.body['amount']).toBeLessThan(Number(hold?.body['amount']));
      }
    }
  });

  it('given new transfers sent twice, then their key is the transferId (no Idempotency-Key, no If-Match); posts and voids may carry a key', () => {
    const requests = plan(7, 5_000);
    const created = requests.filter((r) => r.kind === 'transfer' || r.kind === 'hold');
    const resolutions = requests.filter((r) => r.kind === 'post' || r.kind === 'void');

    expect(created.filter((r) => r.resend === true).length).toBeGreaterThan(10);
    expect(created.every((r) => r.idempotencyKey === undefined && r.ifMatch === undefined)).toBe(true);
    expect(resolutions.some((r) => r.idempotencyKey !== undefined)).toBe(true);
    expect(resolutions.every((r) => r.ifMatch === undefined && r.resend === undefined)).toBe(true);
  });
});
