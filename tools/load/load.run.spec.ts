import type { AcknowledgedCommand } from '@ledger/read-model-operations';
import type { AttemptOutcome, CommandAttempt } from './command.client';
import { runLoad, type LoadOptions, type Send } from './load.run';

const OPTIONS: LoadOptions = {
  rate: 400,
  durationSeconds: 0.25,
  seed: 9,
  accounts: 8,
  commandUrl: 'http://unused',
  // Never reached, however slowly a loaded machine runs the stand-in: every request due is sent.
  maxInFlight: 10_000,
  timeoutMs: 1000,
};

/**
 * A stand-in service: every command appended, each account's version counted, If-Match honoured;
 * transfers move both accounts on (a hold, a void: only the source) and a transfer sent again with the
 * same id replays its first answer.
 */
function fakeService(): { send: Send; attempts: CommandAttempt[]; refused412: () => number; inFlightOverlaps: () => number } {
  const versions = new Map<string, number>();
  const attempts: CommandAttempt[] = [];
  const transfers = new Map<string, { from: string; to: string; answer: AttemptOutcome }>();
  const busy = new Set<string>();
  let refused = 0;
  let overlaps = 0;
  const bump = (accountId: string) => {
    const version = (versions.get(accountId) ?? 0) + 1;
    versions.set(accountId, version);
    return version;
  };
  const transfer = (attempt: CommandAttempt): AttemptOutcome => {
    const [, , id, action] = attempt.path.split('/');
    if (id === undefined) {
      const transferId = String(attempt.body['transferId']);
      const known = transfers.get(transferId);
      if (known !== undefined) return known.answer;
      const [from, to] = [String(attempt.body['fromAccountId']), String(attempt.body['toAccountId'])];
      const hold = attempt.body['pending'] !== undefined;
      const answer = answered(201, {
        transferId,
        status: hold ? 'pending' : 'completed',
        from: { accountId: from, version: bump(from) },
        to: { accountId: to, version: hold ? (versions.get(to) ?? 0) : bump(to) },
      });
      transfers.set(transferId, { from, to, answer });
      return answer;
    }
    const { from, to } = transfers.get(id) ?? { from: '', to: '' };
    return answered(201, {
      transferId: id,
      status: action === 'post' ? 'posted' : 'voided',
      from: { accountId: from, version: bump(from) },
      to: { accountId: to, version: action === 'post' ? bump(to) : (versions.get(to) ?? 0) },
    });
  };
  const keyed = new Map<string, AttemptOutcome>();
  const send: Send = async (attempt) => {
    attempts.push(attempt);
    const key = attempt.headers['idempotency-key'];
    const replay = key === undefined ? undefined : keyed.get(key);
    if (replay !== undefined) return replay;
    const answer = await answerOnce(attempt);
    if (key !== undefined) keyed.set(key, answer);
    return answer;
  };
  const answerOnce = async (attempt: CommandAttempt): Promise<AttemptOutcome> => {
    const touched = accountsOf(attempt, transfers);
    if (touched.some((accountId) => busy.has(accountId))) overlaps++;
    touched.forEach((accountId) => busy.add(accountId));
    // Answered on a later turn, so that a request sent too early would overlap an unanswered one.
    await new Promise((resolve) => setImmediate(resolve));
    touched.forEach((accountId) => busy.delete(accountId));
    if (attempt.path.startsWith('/transfers')) return transfer(attempt);
    const accountId = attempt.path === '/accounts' ? String(attempt.body['accountId']) : (attempt.path.split('/')[2] ?? '');
    const version = versions.get(accountId) ?? 0;
    const ifMatch = attempt.headers['if-match'];
    if (ifMatch !== undefined && ifMatch !== `"${version}"`) {
      refused++;
      return answered(412, { type: 'https://ledger.example.com/problems/version-mismatch', currentVersion: version });
    }
    return answered(201, {
      accountId,
      version: bump(accountId),
      events: [{ eventId: `00000000-0000-4000-8000-${String(attempts.length).padStart(12, '0')}`, version: version + 1 }],
    });
  };
  return { send, attempts, refused412: () => refused, inFlightOverlaps: () => overlaps };
}

/** The accounts an attempt is on: its path's, or a transfer's two. */
function accountsOf(attempt: CommandAttempt, transfers: ReadonlyMap<string, { from: string; to: string }>): string[] {
  if (attempt.path === '/accounts') return [String(attempt.body['accountId'])];
  if (attempt.path === '/transfers') return [String(attempt.body['fromAccountId']), String(attempt.body['toAccountId'])];
  const [, collection, id = ''] = attempt.path.split('/');
  if (collection === 'accounts') return [id];
  const known = transfers.get(id);
  return known === undefined ? [] : [known.from, known.to];
}

function answered(status: number, body: Record<string, unknown>): AttemptOutcome {
  const text = JSON.stringify(body);
  const type = typeof body['type'] === 'string' ? { problem: body['type'].split('/').pop() } : {};
  const party = (side: string) => body[side] as { accountId: string; version: number } | undefined;
  const parties = [party('from'), party('to')].filter((p) => p !== undefined);
  return {
    kind: 'answered',
    status,
    text,
    latencyMs: 1,
    ...type,
    ...(typeof body['version'] === 'number' ? { version: body['version'], eventId: 'e' } : {}),
    ...(typeof body['currentVersion'] === 'number' ? { currentVersion: body['currentVersion'] } : {}),
    ...(parties.length > 0 ? { accountVersions: Object.fromEntries(parties.map((p) => [p.accountId, p.version])) } : {}),
  };
}

async function run(
  send: Send,
  options: Partial<LoadOptions> = {},
): Promise<{ acks: AcknowledgedCommand[]; summary: Awaited<ReturnType<typeof runLoad>> }> {
  const acks: AcknowledgedCommand[] = [];
  const summary = await runLoad({ ...OPTIONS, ...options, onAcknowledgement: (a) => acks.push(a) }, send);
  return { acks, summary };
}

describe('runLoad', () => {
  it('given a service that appends everything, then one acknowledgement per acknowledged command, stale If-Match answered 412', async () => {
    const service = fakeService();

    const { acks, summary } = await run(service.send);

    expect(summary.sent).toBe(100);
    const transfers =
      summary.byKind.transfer.acknowledged +
      summary.byKind.hold.acknowledged +
      summary.byKind.post.acknowledged +
      summary.byKind.void.acknowledged;
    expect(acks).toHaveLength(summary.acknowledged - transfers);
    expect(acks.every((a) => a.outcome === 'acknowledged' && a.version >= 1)).toBe(true);
    expect(summary.acknowledged + summary.refused).toBe(100);
    expect(summary.ifMatch.staleRefused412).toBe(summary.ifMatch.stale);
    // A current If-Match after a transfer on the account names the version the transfer's answer gave.
    expect(service.refused412()).toBe(summary.ifMatch.stale);
    // The account's version as last answered is what a current If-Match names.
    expect(summary.ifMatch.current).toBe(
      service.attempts.filter((a) => a.headers['if-match'] !== undefined).length - summary.ifMatch.stale,
    );
  });

  it('given the same seed twice, then the same requests, in the same order on each account', async () => {
    const first = fakeService();
    const second = fakeService();

    await run(first.send);
    await run(second.send);

    // Accounts are driven concurrently; each account's requests keep the plan's order.
    const byAccount = (attempts: readonly CommandAttempt[]) => {
      const sequences = new Map<string, unknown[]>();
      for (const a of attempts) {
        const account =
          a.path === '/accounts'
            ? String(a.body['accountId'])
            : a.path === '/transfers'
              ? String(a.body['fromAccountId'])
              : (a.path.split('/')[2] ?? '');
        sequences.set(account, [...(sequences.get(account) ?? []), [a.path, a.body, a.headers['idempotency-key'] ?? null]]);
      }
      return Object.fromEntries([...sequences].sort(([x], [y]) => x.localeCompare(y)));
    };
    expect(byAccount(second.attempts)).toEqual(byAccount(first.attempts));
    expect(second.attempts).toHaveLength(first.attempts.length);
  });

  it('given an authorization source, then every request carries its value as it is at the time of sending', async () => {
    const service = fakeService();
    let token = 'first';
    const send: Send = async (attempt) => {
      // The source changes midway, as a refreshed token does.
      if (service.attempts.length === 40) token = 'second';
      return service.send(attempt);
    };

    await runLoad({ ...OPTIONS, authorization: () => `Bearer ${token}` }, send);

    const sent = service.attempts.map((a) => a.headers['authorization']);
    expect(sent).toHaveLength(service.attempts.length);
    expect(new Set(sent)).toEqual(new Set(['Bearer first', 'Bearer second']));
    expect(sent.slice(0, 40).every((header) => header === 'Bearer first')).toBe(true);
    expect(sent.at(-1)).toBe('Bearer second');
  });

  it('given idempotent requests whose first answer is lost, then the retry settles them: acknowledged when it answers 2xx, unknown when it cannot connect', async () => {
    const service = fakeService();
    const seen = new Set<string>();
    const losing =
      (retryFails: boolean): Send =>
      async (attempt) => {
        const key = attempt.headers['idempotency-key'];
        if (key === undefined) return service.send(attempt);
        if (!seen.has(key)) {
          seen.add(key);
          return { kind: 'unknown', cause: 'timeout', latencyMs: 1000 };
        }
        return retryFails ? { kind: 'failed', cause: 'connection-refused', latencyMs: 1 } : service.send(attempt);
      };

    const resolved = await run(losing(false));
    seen.clear();
    const unresolved = await run(losing(true));

    // New transfers are sent twice as well, keyed by their transferId, and never lost here.
    const keyed = (summary: typeof resolved.summary) => summary.idempotentRetries.sent - summary.idempotentRetries.replayed;
    expect(resolved.summary.idempotentRetries.resolved).toBe(keyed(resolved.summary));
    expect(resolved.summary.idempotentRetries.resolved).toBeGreaterThan(0);
    expect(resolved.summary.unknown).toBe(0);
    expect(unresolved.summary.unknown).toBe(keyed(unresolved.summary));
    const unknownAcks = unresolved.acks.filter((a) => a.outcome === 'unknown');
    expect(unknownAcks).toHaveLength(unresolved.summary.unknown);
    expect(unknownAcks.every((a) => a.idempotencyKey?.startsWith('load-9-'))).toBe(true);
  });

  it('given idempotent requests answered 2xx whose retry finds the service down, then the retry is counted unanswered, not mismatched', async () => {
    const service = fakeService();
    const seen = new Set<string>();
    const downOnRetry: Send = async (attempt) => {
      const key = attempt.headers['idempotency-key'];
      if (key === undefined || !seen.has(key)) {
        if (key !== undefined) seen.add(key);
        return service.send(attempt);
      }
      return { kind: 'failed', cause: 'connection-refused', latencyMs: 1 };
    };

    const { summary } = await run(downOnRetry);

    expect(summary.idempotentRetries.unanswered).toBeGreaterThan(0);
    expect(summary.idempotentRetries.mismatched).toBe(0);
  });

  it('given transfers and holds in the mix, then each is sent once every earlier request on either account is answered, and only account commands go to the acknowledgement log', async () => {
    const service = fakeService();

    const { acks, summary } = await run(service.send, { rate: 2000, durationSeconds: 0.3, accounts: 6 });

    const transferKinds = ['transfer', 'hold', 'post', 'void'] as const;
    for (const kind of transferKinds) expect(summary.byKind[kind].acknowledged).toBeGreaterThan(0);
    expect(service.inFlightOverlaps()).toBe(0);
    const transfersAcknowledged = transferKinds.reduce((n, kind) => n + summary.byKind[kind].acknowledged, 0);
    expect(acks).toHaveLength(summary.acknowledged - transfersAcknowledged);
    expect(acks.some((a) => (transferKinds as readonly string[]).includes(a.kind))).toBe(false);
  });

  it('given a new transfer sent twice, then the second answer replays the first', async () => {
    const service = fakeService();

    const { summary } = await run(service.send, { rate: 2000, durationSeconds: 0.5, accounts: 6 });

    const ids = service.attempts.filter((a) => a.path === '/transfers').map((a) => String(a.body['transferId']));
    expect(new Set(ids).size).toBeLessThan(ids.length);
    expect(summary.idempotentRetries.mismatched).toBe(0);
    expect(summary.idempotentRetries.replayed).toBeGreaterThan(0);
  });
});
