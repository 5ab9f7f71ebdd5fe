import { decodeChangedTransfers, decodeChangePayload, encodeChangePayloads } from './read-model.notifications';

const A = '00000000-0000-4000-8000-00000000000a';
const T = '00000000-0000-4000-8000-0000000000f1';

describe('read-model change payloads', () => {
  it('given moved accounts and changed transfers, when encoded, then accounts read back with versions and transfers by id', () => {
    const [payload, ...more] = encodeChangePayloads([{ accountId: A, version: 3 }], [T]);

    expect(more).toEqual([]);
    expect(payload).toBe(`${A}:3,transfer-${T}`);
    expect(decodeChangePayload(payload ?? '')).toEqual([{ accountId: A, version: 3 }]);
    expect(decodeChangedTransfers(payload ?? '')).toEqual([T]);
  });

  it('given the everything payload, then both readers say everything', () => {
    expect(decodeChangePayload('*')).toBe('everything');
    expect(decodeChangedTransfers('*')).toBe('everything');
  });

  it('given only accounts, then no transfer is named', () => {
    expect(decodeChangedTransfers(`${A}:1`)).toEqual([]);
  });

  it('given many transfers, then every payload fits one NOTIFY and none is lost', () => {
    const transfers = Array.from({ length: 400 }, (_, i) => `00000000-0000-4000-8000-${String(i).padStart(12, '0')}`);
    const payloads = encodeChangePayloads([], transfers);

    expect(payloads.length).toBeGreaterThan(1);
    expect(payloads.every((p) => Buffer.byteLength(p) < 8_000)).toBe(true);
    expect(payloads.flatMap((p) => decodeChangedTransfers(p) as string[])).toEqual(transfers);
  });
});
