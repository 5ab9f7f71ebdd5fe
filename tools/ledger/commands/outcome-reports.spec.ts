import { EXIT } from '../exit-codes';
import { describeHeal } from './heal.command';
import { describeRedrive, describeTransferRedrive } from './redrive.command';
import { describeSkip } from './skip.command';

const ACCOUNT = '7f9c2ba4-e88f-4d8e-9f27-1c2b3d4e5f60';
const TRANSFER = '5a1e0c3d-8b7f-4a2e-9c6d-3f4e5a6b7c8d';
const replay = { applied: 2, duplicates: 1, held: 0, version: 9, parkedBehind: null };
const parkedAgain = {
  applied: 0,
  duplicates: 0,
  held: 3,
  version: 4,
  parkedBehind: { deadLetterId: '17', reason: 'version gap: expected version 5, got 6' },
};

describe('outcome reports', () => {
  it.each([
    ['redrive not-parked', describeRedrive({ kind: 'not-parked', accountId: ACCOUNT }), EXIT.ok, /is not parked: nothing to redrive/],
    [
      'redriven',
      describeRedrive({ kind: 'redriven', accountId: ACCOUNT, deadLetterId: '3', ...replay }),
      EXIT.ok,
      /2 events applied, 1 duplicate skipped\). The account is at version 9 and no longer parked/,
    ],
    [
      'redrive re-parked',
      describeRedrive({ kind: 're-parked', accountId: ACCOUNT, deadLetterId: '3', ...parkedAgain }),
      EXIT.unresolved,
      /parked again, behind dead letter 17: version gap/,
    ],
    ['heal unknown', describeHeal({ kind: 'unknown-account', accountId: ACCOUNT }), EXIT.unresolved, /nothing to heal/],
    [
      'healed',
      describeHeal({
        kind: 'healed',
        accountId: ACCOUNT,
        events: 9,
        wasParked: true,
        discarded: 1,
        deadLettersHealed: ['3', '4'],
        ...replay,
      }),
      EXIT.ok,
      /9 events, now at version 9; unparked, 1 held event discarded, 2 dead letters marked healed\./,
    ],
    [
      'heal parked',
      describeHeal({
        kind: 'parked',
        accountId: ACCOUNT,
        events: 9,
        wasParked: false,
        discarded: 0,
        deadLettersHealed: [],
        ...parkedAgain,
      }),
      EXIT.unresolved,
      /up to version 4, then parked it again behind dead letter 17/,
    ],
    ['skip not-found', describeSkip({ kind: 'not-found', deadLetterId: '5' }), EXIT.unresolved, /There is no dead letter 5\./],
    ['skip not-open', describeSkip({ kind: 'not-open', deadLetterId: '5', status: 'healed' }), EXIT.ok, /already healed/],
    [
      'skipped',
      describeSkip({ kind: 'skipped', deadLetterId: '5', accountId: null }),
      EXIT.ok,
      /\(it names no stream\); it parked nothing/,
    ],
    [
      'skip unparked',
      describeSkip({ kind: 'unparked', deadLetterId: '5', accountId: ACCOUNT, ...replay }),
      EXIT.ok,
      /unparked, 2 held events applied, now at version 9/,
    ],
    [
      'skip re-parked',
      describeSkip({ kind: 're-parked', deadLetterId: '5', accountId: ACCOUNT, ...parkedAgain }),
      EXIT.unresolved,
      /gap: heal it/,
    ],
    [
      'skipped, of a transfer',
      describeSkip({ kind: 'skipped', deadLetterId: '5', accountId: null, transferId: TRANSFER }),
      EXIT.ok,
      new RegExp(`of transfer stream transfer-${TRANSFER}; it parked nothing`),
    ],
    [
      'skip transfer-unparked',
      describeSkip({ kind: 'transfer-unparked', deadLetterId: '5', transferId: TRANSFER, ...replay }),
      EXIT.ok,
      new RegExp(`transfer-${TRANSFER} is unparked, 2 held events applied, now at version 9`),
    ],
    [
      'skip transfer-re-parked',
      describeSkip({ kind: 'transfer-re-parked', deadLetterId: '5', transferId: TRANSFER, ...parkedAgain }),
      EXIT.unresolved,
      /parked again behind dead letter 17/,
    ],
    [
      'redrive transfer not-parked',
      describeTransferRedrive({ kind: 'not-parked', transferId: TRANSFER }),
      EXIT.ok,
      new RegExp(`Transfer stream transfer-${TRANSFER} is not parked`),
    ],
    [
      'redrive transfer redriven',
      describeTransferRedrive({ kind: 'redriven', transferId: TRANSFER, deadLetterId: '3', ...replay }),
      EXIT.ok,
      /2 events applied, 1 duplicate skipped\)\. The transfer is at version 9 and no longer parked/,
    ],
    [
      'redrive transfer re-parked',
      describeTransferRedrive({ kind: 're-parked', transferId: TRANSFER, deadLetterId: '3', ...parkedAgain }),
      EXIT.unresolved,
      /is parked again, behind dead letter 17/,
    ],
  ])('%s', (_name, report, exit, text) => {
    expect(report.exit).toBe(exit);
    expect(report.text).toMatch(text);
  });

  it('never lets a stored reason drive the terminal', () => {
    const hostile = { ...parkedAgain, parkedBehind: { deadLetterId: '17', reason: 'bad\u001b]0;owned\u0007' } };
    expect(describeRedrive({ kind: 're-parked', accountId: ACCOUNT, deadLetterId: '3', ...hostile }).text).not.toMatch(/\p{Cc}/u);
  });
});
