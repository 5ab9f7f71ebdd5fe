import type { AcknowledgedCommand } from '@ledger/read-model-operations';
import type { AttemptOutcome, CommandAttempt } from './command.client';
import { runLoad, type LoadOptions, type Send } from './load.run';

const OPTIONS: LoadOptions = {
  rate: 400,
  durationSeconds: 0.25,
  seed: 9,
  accounts: 8,
  commandUrl: 'http://unused',
  maxInFlight: 50,
  timeoutMs: 1000,
};

/** A stand-in service: every command appended, each account's version counted, If-Match honoured. */
function fakeService(): { send: Send; attempts: CommandAttempt[] } {
  const versions = new Map<string, number>();
  const attempts: CommandAttempt[] = [];
  const send: Send = async (attempt) => {
    attempts.push(attempt);
    const accountId = attempt.path === '/accounts' ? String(attempt.body['accountId']) : (attempt.path.split('/')[2] ?? '');
    const version = versions.get(accountId) ?? 0;
    const ifMatch = attempt.headers['if-match'];
    if (ifMatch !== undefined && ifMatch !== `"${version}"`) {
      return answered(412, { type: 'https://ledger.example.com/problems/version-mismatch', currentVersion: version });
    }
    versions.set(accountId, version + 1);
    return answered(201, {
      accountId,
      version: version + 1,
      events: [{ eventId: `00000000-0000-4000-8000-${String(attempts.length).padStart(12, '0')}`, version: version + 1 }],
    });
  };
  return { send, attempts };
}

function answered(status: number, body: Record<string, unknown>): AttemptOutcome {
  const text = JSON.stringify(body);
  const type = typeof body['type'] === 'string' ? { problem: body['type'].split('/').pop() } : {};
  return {
    kind: 'answered',
    status,
    text,
    latencyMs: 1,
    ...type,
    ...(typeof body['version'] === 'number' ? { version: body['version'], eventId: 'e' } : {}),
    ...(typeof body['currentVersion'] === 'number' ? { currentVersion: body['currentVersion'] } : {}),
  };
}

async function run(send: Send): Promise<{ acks: AcknowledgedCommand[]; summary: Awaited<ReturnType<typeof runLoad>> }> {
  const acks: AcknowledgedCommand[] = [];
  const summary = await runLoad({ ...OPTIONS, onAcknowledgement: (a) => acks.push(a) }, send);
  return { acks, summary };
}

describe('runLoad', () => {
  it('given a service that appends everything, then one acknowledgement per acknowledged command, stale If-Match answered 412', async () => {
    const service = fakeService();

    const { acks, summary } = await run(service.send);

    expect(summary.sent).toBe(100);
    expect(acks).toHaveLength(summary.acknowledged);
    expect(acks.every((a) => a.outcome === 'acknowledged' && a.version >= 1)).toBe(true);
    expect(summary.acknowledged + summary.refused).toBe(100);
    expect(summary.ifMatch.staleRefused412).toBe(summary.ifMatch.stale);
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
        const account = a.path === '/accounts' ? String(a.body['accountId']) : (a.path.split('/')[2] ?? '');
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

    expect(resolved.summary.idempotentRetries.resolved).toBe(resolved.summary.idempotentRetries.sent);
    expect(resolved.summary.idempotentRetries.sent).toBeGreaterThan(0);
    expect(resolved.summary.unknown).toBe(0);
    expect(unresolved.summary.unknown).toBe(unresolved.summary.idempotentRetries.sent);
    const unknownAcks = unresolved.acks.filter((a) => a.outcome === 'unknown');
    expect(unknownAcks).toHaveLength(unresolved.summary.unknown);
    expect(unknownAcks.every((a) => a.idempotencyKey?.startsWith('load-9-'))).toBe(true);
  });
});
