import { COMMAND_KINDS } from '@ledger/read-model-operations';
import { LoadPlan, type PlannedRequest } from './load.plan';

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

    expect(new Set(requests.map((r) => r.kind))).toEqual(new Set(COMMAND_KINDS));
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
      const later = requests.filter((r) => r.accountId === close.accountId && r.index > close.index && r.ifMatch !== 'stale');
      expect(later.every((r) => r.expected === 'account-closed')).toBe(true);
    }
  });

  it('given money amounts, then safe positive integers, the opening deposit possibly 0, status changes without one', () => {
    for (const request of plan(5, 3_000)) {
      if (request.kind === 'deposit' || request.kind === 'withdraw')
        expect(Number.isSafeInteger(request.amount) && (request.amount ?? 0) >= 1).toBe(true);
      else if (request.kind === 'open') expect(request.amount).toBeGreaterThanOrEqual(0);
      else expect(request.amount).toBeNull();
    }
  });
});
