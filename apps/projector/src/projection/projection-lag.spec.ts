import { decodeForProjection, rawFromKafka, type ProjectionInput } from '@ledger/read-model-projection';
import { AccountHistory } from '@ledger/testing';
import type { Message } from 'kafkajs';
import { projectionLagsSeconds } from './projection-lag';

function inputs(messages: readonly Message[]): ProjectionInput[] {
  return messages.map((m, i) =>
    decodeForProjection(
      rawFromKafka('t', 0, {
        offset: String(i),
        key: m.key === null ? null : Buffer.from(m.key as string),
        value: m.value as Buffer,
        headers: m.headers,
      }),
    ),
  );
}

/** AccountHistory events occur one second apart from 2026-03-01T10:00:00Z (version n at n seconds). */
const at = (version: number) => Date.parse('2026-03-01T10:00:00.000Z') + version * 1_000;

describe('projectionLagsSeconds', () => {
  it('observes the newest event each moved account reached, from its occurrence to the commit', () => {
    const a = new AccountHistory({ deposits: 3 });
    const b = new AccountHistory({ deposits: 1 });
    const batch = inputs([...a.messages([1, 2]), ...b.messages(), ...a.messages([3, 4])]);

    const lags = projectionLagsSeconds(
      batch,
      [
        { accountId: a.accountId, version: 4 },
        { accountId: b.accountId, version: 2 },
      ],
      at(10),
    );

    expect(lags).toEqual([8, 6]);
  });

  it('ignores accounts that did not move and events below the version reached', () => {
    const a = new AccountHistory({ deposits: 2 });
    const still = new AccountHistory({ deposits: 2 });
    const lags = projectionLagsSeconds(inputs([...a.messages(), ...still.messages()]), [{ accountId: a.accountId, version: 2 }], at(5));
    expect(lags).toEqual([3]);
  });

  it('observes a redelivered newest event once', () => {
    const a = new AccountHistory({ deposits: 1 });
    const lags = projectionLagsSeconds(inputs([...a.messages(), ...a.messages([2])]), [{ accountId: a.accountId, version: 2 }], at(3));
    expect(lags).toEqual([1]);
  });

  it('is never negative when the event claims to occur after the commit', () => {
    const a = new AccountHistory();
    expect(projectionLagsSeconds(inputs(a.messages()), [{ accountId: a.accountId, version: 1 }], at(0))).toEqual([0]);
  });

  it('is empty when nothing moved', () => {
    expect(projectionLagsSeconds(inputs(new AccountHistory().messages()), [], at(9))).toEqual([]);
  });
});
