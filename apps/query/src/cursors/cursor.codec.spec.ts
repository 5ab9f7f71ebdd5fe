import { createHmac } from 'node:crypto';
import { ACCOUNTS_CURSOR, CursorCodec, OWNER_ID_ACCOUNTS_CURSOR, TRANSACTIONS_CURSOR } from './cursor.codec';

const ACCOUNT = '3f2b8c1e-4a5d-4e6f-8a7b-9c0d1e2f3a4b';
const OTHER_ACCOUNT = '9a8b7c6d-5e4f-4a3b-8c2d-1e0f9a8b7c6d';
const SECRET = 'a-test-secret-that-is-at-least-32-characters';

function forge(payload: object, secret = SECRET): string {
  const body = Buffer.from(JSON.stringify(payload)).toString('base64url');
  return `${body}.${createHmac('sha256', secret).update('ledger-query-cursor.v1.').update(body).digest('base64url')}`;
}

describe('CursorCodec', () => {
  const codec = new CursorCodec(SECRET);

  it('given a cursor it issued, then it decodes to the same position, for either kind', () => {
    expect(codec.decode(TRANSACTIONS_CURSOR, ACCOUNT, codec.encode(TRANSACTIONS_CURSOR, ACCOUNT, 42))).toBe(42);
    const position = ['2026-03-01T10:00:01.123456Z', ACCOUNT] as const;
    expect(codec.decode(ACCOUNTS_CURSOR, "O'Brien", codec.encode(ACCOUNTS_CURSOR, "O'Brien", position))).toEqual(position);
  });

  it('is opaque: URL-safe characters only', () => {
    expect(codec.encode(ACCOUNTS_CURSOR, 'Zoë & Ümit / ?', ['2026-03-01T10:00:01.000000Z', ACCOUNT])).toMatch(/^[A-Za-z0-9_.-]+$/);
  });

  it('given a cursor of another account, another owner or another listing, then it is refused', () => {
    expect(codec.decode(TRANSACTIONS_CURSOR, OTHER_ACCOUNT, codec.encode(TRANSACTIONS_CURSOR, ACCOUNT, 5))).toBeNull();
    const owned = codec.encode(ACCOUNTS_CURSOR, 'Ada', ['2026-03-01T10:00:01.000000Z', ACCOUNT]);
    expect(codec.decode(ACCOUNTS_CURSOR, 'ada', owned)).toBeNull();
    expect(codec.decode(TRANSACTIONS_CURSOR, 'Ada', owned)).toBeNull();
  });

  it("given a cursor of one owner id's listing, then it pages only that owner id's, never another's nor an owner name's", () => {
    const position = ['2026-03-01T10:00:01.000000Z', ACCOUNT] as const;
    const alices = codec.encode(OWNER_ID_ACCOUNTS_CURSOR, 'alice', position);

    expect(codec.decode(OWNER_ID_ACCOUNTS_CURSOR, 'alice', alices)).toEqual(position);
    expect(codec.decode(OWNER_ID_ACCOUNTS_CURSOR, 'bob', alices)).toBeNull();
    expect(codec.decode(ACCOUNTS_CURSOR, 'alice', alices)).toBeNull();
    expect(codec.decode(OWNER_ID_ACCOUNTS_CURSOR, 'alice', codec.encode(ACCOUNTS_CURSOR, 'alice', position))).toBeNull();
  });

  it('given a cursor signed with another secret, then it is refused', () => {
    const foreign = new CursorCodec('another-secret-that-is-at-least-32-characters');
    expect(codec.decode(TRANSACTIONS_CURSOR, ACCOUNT, foreign.encode(TRANSACTIONS_CURSOR, ACCOUNT, 5))).toBeNull();
  });

  it('given any single character of a cursor changed, then it is refused', () => {
    const token = codec.encode(TRANSACTIONS_CURSOR, ACCOUNT, 17);
    for (let i = 0; i < token.length; i++) {
      const replacement = token[i] === 'A' ? 'B' : 'A';
      const tampered = `${token.slice(0, i)}${replacement}${token.slice(i + 1)}`;
      expect(codec.decode(TRANSACTIONS_CURSOR, ACCOUNT, tampered)).toBeNull();
    }
  });

  it('given a re-signed payload with a moved position, then only the secret holder could have made it', () => {
    const edited = forge({ k: 'transactions', s: ACCOUNT, p: 999 }, 'guessed-secret-guessed-secret-guessed');
    expect(codec.decode(TRANSACTIONS_CURSOR, ACCOUNT, edited)).toBeNull();
  });

  it.each([
    ['empty', ''],
    ['no signature', 'eyJrIjoidHJhbnNhY3Rpb25zIn0'],
    ['two dots', 'a.b.c'],
    ['padding characters', 'YQ==.YQ=='],
    ['oversized', `${'a'.repeat(3_000)}.${'b'.repeat(43)}`],
    ['SQL', "1' OR '1'='1"],
  ])('given a malformed cursor (%s), then it is refused', (_name, token) => {
    expect(codec.decode(TRANSACTIONS_CURSOR, ACCOUNT, token)).toBeNull();
  });

  it.each([
    ['a version of 0', { k: 'transactions', s: ACCOUNT, p: 0 }],
    ['a fractional version', { k: 'transactions', s: ACCOUNT, p: 1.5 }],
    ['a string version', { k: 'transactions', s: ACCOUNT, p: '5' }],
    ['an extra member', { k: 'transactions', s: ACCOUNT, p: 5, x: 1 }],
    ['a missing position', { k: 'transactions', s: ACCOUNT }],
  ])('given a correctly signed payload with %s, then it is refused', (_name, payload) => {
    expect(codec.decode(TRANSACTIONS_CURSOR, ACCOUNT, forge(payload))).toBeNull();
  });

  it.each([
    ['a millisecond timestamp', ['2026-03-01T10:00:01.000Z', ACCOUNT]],
    ['an impossible date', ['2026-13-45T10:00:01.000000Z', ACCOUNT]],
    ['a malformed account id', ['2026-03-01T10:00:01.000000Z', 'x']],
    ['a third element', ['2026-03-01T10:00:01.000000Z', ACCOUNT, 1]],
  ])('given a correctly signed owner position with %s, then it is refused', (_name, position) => {
    expect(codec.decode(ACCOUNTS_CURSOR, 'Ada', forge({ k: 'accounts', s: 'Ada', p: position }))).toBeNull();
  });
});
