import { GENERAL_HELP, parseLedgerArguments, type LedgerCommand, type LedgerInvocation } from './ledger-arguments.parser';

const ACCOUNT = '7f9c2ba4-e88f-4d8e-9f27-1c2b3d4e5f60';

function commandOf(argv: readonly string[]): LedgerCommand {
  const invocation = parseLedgerArguments(argv);
  if (invocation.kind !== 'command') throw new Error(`expected a command, got ${JSON.stringify(invocation)}`);
  return invocation.command;
}

function usageError(invocation: LedgerInvocation): string {
  if (invocation.kind !== 'usage-error') throw new Error(`expected a usage error, got ${JSON.stringify(invocation)}`);
  return invocation.message;
}

describe('parseLedgerArguments', () => {
  it.each([[['--help']], [['-h']], [['help']]])('given %j, then the general help', (argv) => {
    expect(parseLedgerArguments(argv)).toEqual({ kind: 'help', text: GENERAL_HELP });
  });

  it('names every command and the exit statuses in the general help', () => {
    for (const name of ['dead-letters', 'parked', 'redrive', 'heal', 'skip', 'verify', 'rebuild', 'token'])
      expect(GENERAL_HELP).toMatch(new RegExp(`^  ${name} `, 'm'));
    expect(GENERAL_HELP).toMatch(/Exit status: 0 .* 1 failed, 2 bad arguments, 3 /);
  });

  it.each(['dead-letters', 'parked', 'redrive', 'heal', 'skip', 'verify', 'token'])(
    "given %s --help, then that command's help, even with other arguments",
    (name) => {
      const invocation = parseLedgerArguments([name, 'whatever', '--help']);
      expect(invocation.kind).toBe('help');
      expect(invocation.kind === 'help' && invocation.text).toMatch(new RegExp(`^Usage: npm run ledger -- ${name}`));
    },
  );

  it("warns in skip's help that skipping a real event leaves a gap that heal repairs", () => {
    const invocation = parseLedgerArguments(['skip', '--help']);
    expect(invocation.kind === 'help' && invocation.text).toMatch(/gap[\s\S]*heal/);
  });

  it('hands rebuild its own arguments, untouched', () => {
    expect(parseLedgerArguments(['rebuild', '--batch', '5000', '--help'])).toEqual({
      kind: 'rebuild',
      argv: ['--batch', '5000', '--help'],
    });
  });

  describe('listings', () => {
    it('given no options, then defaults', () => {
      expect(commandOf(['dead-letters'])).toEqual({ name: 'dead-letters', json: false, limit: 50 });
      expect(commandOf(['parked'])).toEqual({ name: 'parked', json: false, limit: 100 });
    });

    it('given every option, then each is taken, the account id in lower case', () => {
      expect(commandOf(['dead-letters', '--account', ACCOUNT.toUpperCase(), '--status', 'open', '--limit', '7', '--json'])).toEqual({
        name: 'dead-letters',
        json: true,
        limit: 7,
        status: 'open',
        accountId: ACCOUNT,
      });
      expect(commandOf(['parked', '--limit=3', '--json'])).toEqual({ name: 'parked', json: true, limit: 3 });
    });

    it.each([
      [['dead-letters', '--limit', '0'], /--limit must be an integer from 1 to 10000/],
      [['dead-letters', '--limit', '10001'], /--limit/],
      [['dead-letters', '--limit', '-5'], /--limit|argument/],
      [['dead-letters', '--limit', '2.5'], /--limit/],
      [['dead-letters', '--limit', '1e3'], /--limit/],
      [['parked', '--limit', 'lots'], /--limit/],
      [['dead-letters', '--status', 'lost'], /--status must be one of open, redriven, healed, skipped/],
      [['dead-letters', '--account', 'bob'], /--account must be an account id/],
      [['dead-letters', '--account', `${ACCOUNT}' OR '1'='1`], /--account must be an account id/],
      [['dead-letters', '--limit'], /argument missing|--limit/],
      [['dead-letters', '--verbose'], /Unknown option '--verbose'/],
      [['parked', 'extra'], /parked takes no arguments, got 1/],
    ])('given %j, then a usage error', (argv, message) => {
      expect(usageError(parseLedgerArguments(argv))).toMatch(message);
    });
  });

  describe('actions', () => {
    it.each(['redrive', 'heal'] as const)('given %s <account>, then the account in lower case and no actor', (name) => {
      expect(commandOf([name, ACCOUNT.toUpperCase()])).toEqual({ name, json: false, accountId: ACCOUNT });
    });

    it("given redrive transfer-<id>, then the transfer's stream, its id in lower case; heal takes accounts only", () => {
      expect(commandOf(['redrive', `transfer-${ACCOUNT.toUpperCase()}`, '--actor', 'eve'])).toEqual({
        name: 'redrive',
        json: false,
        transferId: ACCOUNT,
        actor: 'eve',
      });
      expect(usageError(parseLedgerArguments(['heal', `transfer-${ACCOUNT}`]))).toMatch(/<account> must be an account id/);
      expect(usageError(parseLedgerArguments(['redrive', 'transfer-42']))).toMatch(
        /transfer-<id> must name a transfer by its id \(a UUID\), got "transfer-42"/,
      );
    });

    it('given --actor and --json, then both are taken, the actor trimmed', () => {
      expect(commandOf(['heal', ACCOUNT, '--actor', '  alice  ', '--json'])).toEqual({
        name: 'heal',
        json: true,
        accountId: ACCOUNT,
        actor: 'alice',
      });
      expect(commandOf(['skip', '42', '--actor=bob'])).toEqual({ name: 'skip', json: false, deadLetterId: '42', actor: 'bob' });
    });

    it.each([
      [['redrive'], /redrive takes exactly 1 argument, got 0/],
      [['heal', ACCOUNT, ACCOUNT], /heal takes exactly 1 argument, got 2/],
      [['redrive', 'not-a-uuid'], /<account> must be an account id \(a UUID\), got "not-a-uuid"/],
      [['heal', "'; DROP TABLE read_model.accounts; --"], /<account> must be an account id/],
      [['heal', `${ACCOUNT}x`], /<account> must be an account id/],
      [['skip', '0'], /<dead-letter-id> must be a dead letter's id/],
      [['skip', '-3'], /Unknown option|<dead-letter-id>/],
      [['skip', '007'], /<dead-letter-id>/],
      [['skip', '1.5'], /<dead-letter-id>/],
      [['skip', '9223372036854775808'], /<dead-letter-id>/],
      [['skip', '1; DELETE FROM read_model.dead_letters'], /<dead-letter-id>/],
      [['redrive', ACCOUNT, '--actor', ''], /--actor must be 1 to 100 printable characters/],
      [['redrive', ACCOUNT, '--actor', 'x'.repeat(101)], /--actor must be/],
      [['skip', '5', '--actor', 'evil\u001b[2J'], /--actor must be/],
      [['redrive', ACCOUNT, '--json=yes'], /--json/],
      [['redrive', ACCOUNT, '--force'], /Unknown option '--force'/],
    ])('given %j, then a usage error', (argv, message) => {
      expect(usageError(parseLedgerArguments(argv))).toMatch(message);
    });
  });

  describe('verify', () => {
    it('given no options, then the whole store in pages of 5000, holds allowed 5 s past their deadline', () => {
      expect(commandOf(['verify'])).toEqual({ name: 'verify', json: false, batch: 5000, expiryIntervalSeconds: 5 });
    });

    it('given --expiry-interval, then it is taken, 0 included', () => {
      expect(commandOf(['verify', '--expiry-interval', '30'])).toMatchObject({ expiryIntervalSeconds: 30 });
      expect(commandOf(['verify', '--expiry-interval', '0'])).toMatchObject({ expiryIntervalSeconds: 0 });
    });

    it('given every option, then each is taken, the account id in lower case', () => {
      expect(commandOf(['verify', '--account', ACCOUNT.toUpperCase(), '--acks', 'acks.ndjson', '--batch', '200', '--json'])).toEqual({
        name: 'verify',
        json: true,
        batch: 200,
        accountId: ACCOUNT,
        acksFile: 'acks.ndjson',
        expiryIntervalSeconds: 5,
      });
    });

    it.each([
      [['verify', '--account', "' OR 1=1 --"], /--account must be an account id/],
      [['verify', '--batch', '100001'], /--batch must be an integer from 1 to 100000/],
      [['verify', '--batch', '-1'], /--batch|argument/],
      [['verify', '--acks'], /argument missing|--acks/],
      [['verify', '--acks', 'a\u0000b'], /--acks must name a file/],
      [['verify', ACCOUNT], /verify takes no arguments, got 1/],
      [['verify', '--expiry-interval', '1.5'], /--expiry-interval must be an integer from 0 to 86400, got "1.5"/],
      [['verify', '--expiry-interval', '-1'], /--expiry-interval|argument/],
      [['verify', '--expiry-interval', '86401'], /--expiry-interval must be an integer from 0 to 86400/],
      [['verify', '--expiry-interval', 'soon'], /--expiry-interval must be an integer/],
      [['verify', '--account', ACCOUNT, '--expiry-interval', '5'], /not with --account/],
    ])('given %j, then a usage error', (argv, message) => {
      expect(usageError(parseLedgerArguments(argv))).toMatch(message);
    });
  });

  describe('token', () => {
    it('given only a subject, then the defaults: read and write, an hour, the ledger audience', () => {
      expect(commandOf(['token', '--sub', 'alice'])).toEqual({
        name: 'token',
        subject: 'alice',
        scope: 'ledger:read ledger:write',
        ttlSeconds: 3600,
        audience: 'ledger',
      });
    });

    it('given every option, then each is taken, the scopes each once, in the order given', () => {
      expect(
        commandOf([
          'token',
          '--sub=svc|42',
          '--scope',
          ' ledger:operate  ledger:read ledger:operate ',
          '--ttl',
          '1',
          '--audience',
          'payments',
        ]),
      ).toEqual({ name: 'token', subject: 'svc|42', scope: 'ledger:operate ledger:read', ttlSeconds: 1, audience: 'payments' });
    });

    it('mentions OIDC_ISSUER in the general help', () => {
      expect(GENERAL_HELP).toMatch(/OIDC_ISSUER .*default http:\/\/127\.0\.0\.1:3005/);
    });

    it.each([
      [['token'], /--sub is required/],
      [['token', '--sub'], /argument missing|--sub/],
      [['token', '--sub', ''], /--sub must be 1 to 255 visible ASCII characters/],
      [['token', '--sub', 'ada lovelace'], /--sub must be/],
      [['token', '--sub', 'a\u001b[31m'], /--sub must be/],
      [['token', '--sub', 'x'.repeat(256)], /--sub must be/],
      [['token', '--sub', 'a', '--scope', ''], /--scope must be one or more of ledger:read, ledger:write, ledger:operate/],
      [['token', '--sub', 'a', '--scope', 'ledger:read admin'], /--scope must be/],
      [['token', '--sub', 'a', '--scope', 'ledger:read,ledger:write'], /--scope must be/],
      [['token', '--sub', 'a', '--ttl', '0'], /--ttl must be an integer from 1 to 86400/],
      [['token', '--sub', 'a', '--ttl', '86401'], /--ttl must be an integer from 1 to 86400/],
      [['token', '--sub', 'a', '--ttl', '1.5'], /--ttl must be/],
      [['token', '--sub', 'a', '--audience', ''], /--audience must be 1 to 255 visible ASCII characters/],
      [['token', '--sub', 'a', '--json'], /Unknown option '--json'/],
      [['token', '--sub', 'a', 'b'], /token takes no arguments, got 1/],
    ])('given %j, then a usage error', (argv, message) => {
      expect(usageError(parseLedgerArguments(argv))).toMatch(message);
    });
  });

  it.each([
    [[], 'a command is required'],
    [['unpark'], 'unknown command "unpark"'],
    [['constructor'], 'unknown command "constructor"'],
    [['__proto__'], 'unknown command "__proto__"'],
    [['x'.repeat(500)], `unknown command "${'x'.repeat(60)}…"`],
  ])('given %j, then a usage error with the general help', (argv, message) => {
    expect(parseLedgerArguments(argv)).toEqual({ kind: 'usage-error', message, help: GENERAL_HELP });
  });
});
