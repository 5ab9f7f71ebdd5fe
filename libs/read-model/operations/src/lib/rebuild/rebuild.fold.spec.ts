import { required } from '@ledger/platform';
import { seededRandom } from '@ledger/testing';
import { AccountTraffic, type TrafficEvent } from '@ledger/testing';
import { inputFromStore, planBatch } from '@ledger/read-model-projection';
import { transferScenario } from '../testing/transfer-ledger.fixture';
import { RebuildFold, Unappliable } from './rebuild.fold';

function storedHistory(accounts: number, actsEach: number): (TrafficEvent & { globalPosition: string })[] {
  const traffic = new AccountTraffic({ random: seededRandom(7).next });
  const events: TrafficEvent[] = [];
  const ids = Array.from({ length: accounts }, () => {
    const open = traffic.openAccount();
    events.push(...open.events);
    return open.streamId;
  });
  for (let round = 0; round < actsEach; round++) {
    for (const id of ids) if (traffic.isOpen(id)) events.push(...traffic.act(id).events);
  }
  return events.map((event, i) => ({ ...event, globalPosition: String(i + 1) }));
}

describe('RebuildFold', () => {
  it('given a history cut into chunks, when folded, then views and rows equal one plan over the whole history', () => {
    const events = storedHistory(30, 12);
    const whole = planBatch(events.map(inputFromStore), { views: new Map(), parked: new Set() });
    const fold = new RebuildFold(new Unappliable());

    const rows = [];
    for (let i = 0; i < events.length; i += 37) rows.push(...fold.apply(events.slice(i, i + 37).map(inputFromStore)).transactions);

    expect(rows).toEqual(whole.transactions);
    const views = [...fold.chunks(7)].flat();
    expect(views).toHaveLength(30);
    expect(new Map(views.map((v) => [v.accountId, v]))).toEqual(new Map(whole.views.map((v) => [v.accountId, v])));
    expect(fold.accountCount).toBe(30);
  });

  it('given an event that cannot apply, when folded, then its account stops there, in the chunk and after it', () => {
    const [opened, deposit, ...rest] = storedHistory(1, 6);
    const bogus = { ...required(deposit, 'the first deposit'), type: 'AccountRenamed', data: {} };
    const [next, ...later] = rest.map((e) => ({ ...e, version: e.version + 1 }));
    const firstChunk = [required(opened, 'the opening'), bogus, required(next, 'the act after the bogus event')];
    const unappliable = new Unappliable();
    const fold = new RebuildFold(unappliable);

    const rows = [...fold.apply(firstChunk.map(inputFromStore)).transactions, ...fold.apply(later.map(inputFromStore)).transactions];

    expect(rows.map((r) => r.version)).toEqual([1]);
    expect(unappliable.accounts).toEqual([opened?.streamId]);
    expect(unappliable.events).toBe(1 + rest.length);
    expect([...fold.chunks(10)].flat().map((v) => v.version)).toEqual([1]);
  });

  it('given transfers cut into chunks, when folded, then the same states and legs as one plan, every transfer kept', () => {
    const events = transferScenario().ledger.events.map((event, i) => ({ ...event, globalPosition: String(i + 1) }));
    const whole = planBatch(events.map(inputFromStore), { views: new Map(), parked: new Set() });
    const fold = new RebuildFold(new Unappliable());

    const chunks = [];
    for (let i = 0; i < events.length; i += 5) chunks.push(fold.apply(events.slice(i, i + 5).map(inputFromStore)));

    expect(chunks.flatMap((chunk) => chunk.transferStates)).toEqual(whole.transferStates);
    expect(chunks.flatMap((chunk) => chunk.transferLegs)).toEqual(whole.transferLegs);
    expect(chunks.flatMap((chunk) => chunk.transactions)).toEqual(whole.transactions);
    // Immediate, posted, voided, expired, pending, and the one in another currency; 12 legs in all.
    expect(fold.transferCount).toBe(6);
    expect(whole.transferLegs).toHaveLength(12);
    expect(whole.deadLetters).toEqual([]);
  });
});
