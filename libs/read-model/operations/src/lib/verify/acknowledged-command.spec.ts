import { formatAcknowledgedCommand, MAX_ACK_LINE_LENGTH, parseAcknowledgedCommand, type AcknowledgedCommand } from './acknowledged-command';

const ACCOUNT = '7f9c2ba4-e88f-4d8e-9f27-1c2b3d4e5f60';

describe('acknowledgement log lines', () => {
  it.each<AcknowledgedCommand>([
    {
      outcome: 'acknowledged',
      kind: 'deposit',
      accountId: ACCOUNT,
      version: 3,
      amount: 500,
      eventId: '0b6b9f1e-52a4-4a4c-9a7e-7f0d9b0b6b9f',
      idempotencyKey: 'k-1',
    },
    { outcome: 'acknowledged', kind: 'freeze', accountId: ACCOUNT, version: 9, amount: null },
    { outcome: 'unknown', kind: 'open', accountId: ACCOUNT, amount: 0 },
  ])('given a command written to the log, when read back, then the same command (%#)', (command) => {
    expect(parseAcknowledgedCommand(formatAcknowledgedCommand(command))).toEqual(command);
  });

  it('given an upper-case account id, then it is read in lower case, as the read model keys it', () => {
    const line = JSON.stringify({ outcome: 'acknowledged', kind: 'close', accountId: ACCOUNT.toUpperCase(), version: 2, amount: null });
    expect(parseAcknowledgedCommand(line)).toMatchObject({ accountId: ACCOUNT });
  });

  it.each([
    ['', /not JSON/],
    ['[1]', /not a JSON object/],
    ['null', /not a JSON object/],
    ['{"outcome":"acknowledged","kind":"deposit","accountId":"x","version":1,"amount":1}', /accountId/],
    [`{"outcome":"maybe","kind":"deposit","accountId":"${ACCOUNT}","version":1,"amount":1}`, /outcome/],
    [`{"outcome":"acknowledged","kind":"__proto__","accountId":"${ACCOUNT}","version":1,"amount":1}`, /kind must be one of open, deposit/],
    [`{"outcome":"acknowledged","kind":"deposit","accountId":"${ACCOUNT}","version":0,"amount":1}`, /version/],
    [`{"outcome":"acknowledged","kind":"deposit","accountId":"${ACCOUNT}","version":1.5,"amount":1}`, /version/],
    [`{"outcome":"acknowledged","kind":"deposit","accountId":"${ACCOUNT}","version":1,"amount":1.5}`, /amount/],
    [`{"outcome":"acknowledged","kind":"deposit","accountId":"${ACCOUNT}","version":1,"amount":"5"}`, /amount/],
    [`{"outcome":"acknowledged","kind":"deposit","accountId":"${ACCOUNT}","version":1,"amount":-5}`, /amount/],
    [`{"outcome":"acknowledged","kind":"deposit","accountId":"${ACCOUNT}","version":1,"amount":1,"extra":true}`, /unknown field "extra"/],
    [`{"outcome":"acknowledged","kind":"deposit","accountId":"${ACCOUNT}","version":1,"amount":1,"idempotencyKey":""}`, /idempotencyKey/],
    [`{"outcome":"acknowledged","kind":"deposit","accountId":"${ACCOUNT}","version":1,"amount":1,"eventId":"nope"}`, /eventId/],
    [`{"pad":"${'x'.repeat(MAX_ACK_LINE_LENGTH)}"}`, /longer than 4096/],
  ])('given malformed line %#, then why it is not a command', (line, reason) => {
    const parsed = parseAcknowledgedCommand(line);
    expect(typeof parsed).toBe('string');
    expect(parsed).toMatch(reason);
  });
});
