import type { AccountError, TransferError } from '@ledger/domain';
import { ProblemException, problemType } from '@ledger/platform';
import type { FastifyRequest } from 'fastify';
import { accountProblem, concurrencyConflict, idempotencyKeyReused, versionMismatch } from './account-problems';
import { IDEMPOTENCY_KEY_PATTERN, IF_MATCH_PATTERN } from './api-command.decorator';
import { rememberCaller } from '@ledger/auth';
import { commandContextOf } from './command-context';
import { COMMAND_PROBLEMS, type CommandProblemSlug } from './command-problems';
import { transferProblem } from './transfer-problems';

const ID = '7f1d4c2e-4a6b-4c3d-9e8f-0a1b2c3d4e5f';

const ERRORS: readonly [AccountError, CommandProblemSlug][] = [
  [{ type: 'AccountNotFound', accountId: ID }, 'account-not-found'],
  [{ type: 'AccountAlreadyExists', accountId: ID }, 'account-already-exists'],
  [{ type: 'InvalidAmount', detail: 'amount must be positive' }, 'invalid-amount'],
  [{ type: 'InvalidCommand', detail: 'owner must be a string' }, 'validation'],
  [{ type: 'InsufficientFunds', accountId: ID, balance: 5n, requested: 7n }, 'insufficient-funds'],
  [{ type: 'AccountFrozen', accountId: ID }, 'account-frozen'],
  [{ type: 'AccountNotFrozen', accountId: ID }, 'account-not-frozen'],
  [{ type: 'AccountClosed', accountId: ID }, 'account-closed'],
  [{ type: 'BalanceNotZero', accountId: ID, balance: 5n }, 'balance-not-zero'],
  [{ type: 'PendingHolds', accountId: ID, balance: 5n, reserved: 3n }, 'balance-not-zero'],
  [{ type: 'BalanceOverflow', accountId: ID, balance: 5n, amount: 7n }, 'balance-overflow'],
];

const AT = new Date('2026-01-02T03:04:05.000Z');

const TRANSFER_ERRORS: readonly [Exclude<TransferError, { type: 'TransferNotExpired' }>, CommandProblemSlug][] = [
  [{ type: 'AccountNotFound', accountId: ID }, 'account-not-found'],
  [{ type: 'InvalidAmount', detail: 'amount must be positive' }, 'invalid-amount'],
  [{ type: 'InvalidCommand', detail: 'currency must be a code' }, 'validation'],
  [{ type: 'InsufficientFunds', accountId: ID, balance: 5n, requested: 7n }, 'insufficient-funds'],
  [{ type: 'AccountFrozen', accountId: ID }, 'account-frozen'],
  [{ type: 'AccountClosed', accountId: ID }, 'account-closed'],
  [{ type: 'TransferNotFound', transferId: ID }, 'transfer-not-found'],
  [{ type: 'TransferIdReused', transferId: ID }, 'transfer-id-reused'],
  [{ type: 'SameAccount', accountId: ID }, 'same-account'],
  [{ type: 'CurrencyMismatch', accountId: ID, currency: 'USD', expected: 'EUR' }, 'currency-mismatch'],
  [{ type: 'TransferNotPending', transferId: ID, status: 'voided' }, 'transfer-not-pending'],
  [{ type: 'TransferExpired', transferId: ID, expiresAt: AT }, 'transfer-expired'],
  [{ type: 'PostExceedsPending', transferId: ID, pending: 5n, requested: 7n }, 'post-exceeds-pending'],
  [{ type: 'DestinationOverflow', accountId: ID, amount: 7n }, 'balance-overflow'],
];

function expectCatalogued(exception: ProblemException, slug: CommandProblemSlug): void {
  expect(exception.problem).toMatchObject({
    type: problemType(slug),
    status: COMMAND_PROBLEMS[slug].status,
    title: COMMAND_PROBLEMS[slug].title,
  });
}

function contextWith(headers: Record<string, string>) {
  const request = { headers, raw: { headers: {} }, url: `/accounts/${ID}/deposits`, method: 'POST', body: { amount: 1 } };
  rememberCaller(request, { subject: 'ada', clientId: null, scopes: new Set(['ledger:write']), expiresAt: new Date(8.64e15) });
  return () => commandContextOf(request as unknown as FastifyRequest);
}

function refusal(run: () => unknown): ProblemException | undefined {
  try {
    run();
    return undefined;
  } catch (error) {
    if (error instanceof ProblemException) return error;
    throw error;
  }
}

describe('the command problems OpenAPI documents', () => {
  it.each(ERRORS.map(([error, slug]) => [slug, error] as const))('include %s, as a refused command answers it', (slug, error) => {
    expectCatalogued(accountProblem(error), slug);
  });

  it.each(TRANSFER_ERRORS.map(([error, slug]) => [error.type, slug, error] as const))(
    'include a transfer refused as %s: %s',
    (_type, slug, error) => {
      expectCatalogued(transferProblem(error), slug);
    },
  );

  it("never tell the destination's balance, and tell the source's only as the available balance", () => {
    expect(transferProblem({ type: 'DestinationOverflow', accountId: ID, amount: 7n }).problem).not.toHaveProperty('balance');
    expect(transferProblem({ type: 'InsufficientFunds', accountId: ID, balance: 5n, requested: 7n }).problem).toMatchObject({
      balance: 5,
      requested: 7,
    });
  });

  it('refuse to render an expiry before the deadline, which no route sends', () => {
    expect(() => transferProblem({ type: 'TransferNotExpired', transferId: ID, expiresAt: AT })).toThrow(/expiry before the deadline/);
  });

  it('include the outcomes of If-Match, retries and Idempotency-Key', () => {
    expectCatalogued(versionMismatch(3, 4), 'version-mismatch');
    expectCatalogued(concurrencyConflict(), 'concurrency-conflict');
    expectCatalogued(idempotencyKeyReused(), 'idempotency-key-reused');
  });

  it.each(['3', '"3"', 'W/"3"', '*', '"123456789012345"', '', 'x', '"3', '-1', '"1234567890123456"', '3,4'])(
    'document If-Match %j as the edge reads it',
    (value) => {
      const refused = refusal(contextWith({ 'if-match': value }));
      if (refused) expectCatalogued(refused, 'invalid-if-match');
      // An empty header is no version at all: accepted, and not worth sending.
      if (value !== '') expect(refused === undefined).toBe(new RegExp(IF_MATCH_PATTERN).test(value));
    },
  );

  it.each(['k', 'key-1', '~'.repeat(200), '~'.repeat(201), 'a b', 'é', ''])('document Idempotency-Key %j as the edge reads it', (value) => {
    const refused = refusal(contextWith({ 'idempotency-key': value }));
    if (refused) expectCatalogued(refused, 'invalid-idempotency-key');
    expect(refused === undefined).toBe(new RegExp(IDEMPOTENCY_KEY_PATTERN).test(value));
  });
});
