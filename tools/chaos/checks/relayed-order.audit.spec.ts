import { RelayedOrderAudit, type AuditedEvent } from './relayed-order.audit';

const event = (streamId: string, version: number): AuditedEvent => ({ streamId, version, eventId: `${streamId}-e${version}` });

function audit(relayed: readonly AuditedEvent[], stored: readonly AuditedEvent[]) {
  const check = new RelayedOrderAudit();
  relayed.forEach((e) => check.relayed(e));
  stored.forEach((e) => check.stored(e));
  return check.report();
}

describe('RelayedOrderAudit', () => {
  const store = [event('a', 1), event('a', 2), event('a', 3), event('b', 1)];

  it('given every event relayed in order, then there is no violation', () => {
    expect(audit([event('a', 1), event('b', 1), event('a', 2), event('a', 3)], store)).toEqual({
      messages: 4,
      duplicates: 0,
      storedEvents: 4,
      streams: 2,
      missing: 0,
      violations: [],
    });
  });

  it('given a resend from the checkpoint repeating events, then they count as duplicates, not violations', () => {
    const report = audit([event('a', 1), event('a', 2), event('a', 1), event('a', 2), event('a', 3), event('b', 1)], store);
    expect(report.duplicates).toBe(2);
    expect(report.violations).toEqual([]);
  });

  it('given a version relayed before the one ahead of it, then the reordering is reported', () => {
    const report = audit([event('a', 1), event('a', 3), event('a', 2), event('b', 1)], store);
    expect(report.violations).toEqual(['a@3: relayed after version 1, before version 2', 'a@2: first relayed after version 3']);
  });

  it('given a stored event never relayed, then it is missing', () => {
    const report = audit([event('a', 1), event('a', 2), event('b', 1)], store);
    expect(report.missing).toBe(1);
    expect(report.violations).toEqual(['a@3: stored (event a-e3) but never relayed']);
  });

  it('given a version relayed twice as different events, or not as stored, then both are reported', () => {
    const report = audit(
      [
        event('a', 1),
        { streamId: 'a', version: 1, eventId: 'other' },
        { streamId: 'a', version: 2, eventId: 'x' },
        event('a', 3),
        event('b', 1),
      ],
      store,
    );
    expect(report.violations).toEqual(['a@1: relayed again as event other, first as a-e1', 'a@2: stored as event a-e2, relayed as x']);
  });

  it('given a relayed stream the store does not have, then it is reported', () => {
    expect(audit([...store, event('c', 1)], store).violations).toEqual(['c: relayed but has no events in the store']);
  });

  it('given more problems than are listed, then the rest is counted', () => {
    const many = Array.from({ length: 30 }, (_, i) => event(`s${i}`, 1));
    const report = audit([], many);
    expect(report.missing).toBe(30);
    expect(report.violations).toHaveLength(21);
    expect(report.violations[20]).toBe('... 10 more');
  });
});
