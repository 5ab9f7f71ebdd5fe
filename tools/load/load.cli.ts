/**
 * `npm run load -- --rate 200 --duration 30 ...` (`--help` for every option): the command service
 * under a seeded, realistic load; a summary of what was sent and answered, and optionally the
 * acknowledgement log `npm run ledger -- verify --acks` checks.
 */
import { messageOf } from '@ledger/platform';
import { formatAcknowledgedCommand } from '@ledger/read-model-operations';
import { RefreshingTokenSource, serviceToken, testIssuerUrl } from '@ledger/testing';
import { randomInt } from 'node:crypto';
import { createWriteStream, writeFileSync, type WriteStream } from 'node:fs';
import { once } from 'node:events';
import { LOAD_HELP, parseLoadArguments } from './load-arguments.parser';
import { formatLoadReport } from './load.report';
import { runLoad, type Send } from './load.run';

export const LOAD_EXIT = { ok: 0, failed: 1, usage: 2, interrupted: 130 } as const;

/** The identity of a run without --token: a trusted service, which may freeze and is not rate limited by default. */
const SERVICE_CLIENT = 'ledger-bench';
const SERVICE_SCOPES = 'ledger:read ledger:write ledger:operate';

interface Credentials {
  readonly authorization: () => string;
  readonly described: string;
  stop(): void;
}

/** The token given, or the service's, from the issuer OIDC_ISSUER names (default the development issuer), kept fresh. */
async function credentialsOf(token: string | undefined): Promise<Credentials> {
  if (token !== undefined)
    return { authorization: () => `Bearer ${token}`, described: 'with the token given (--token)', stop: () => undefined };
  const issuer = testIssuerUrl();
  let source: RefreshingTokenSource;
  try {
    source = await RefreshingTokenSource.start(() => serviceToken(SERVICE_CLIENT, SERVICE_SCOPES, issuer));
  } catch (error) {
    throw new Error(`no access token for ${SERVICE_CLIENT} from ${issuer} (${messageOf(error)}); pass --token, or set OIDC_ISSUER`);
  }
  return {
    authorization: () => source.authorization,
    described: `as ${SERVICE_CLIENT} (a token from ${issuer})`,
    stop: () => source.stop(),
  };
}

export interface LoadOutput {
  out(text: string): void;
  err(text: string): void;
}

export async function runLoadCli(argv: readonly string[], output: LoadOutput, signal?: AbortSignal, send?: Send): Promise<number> {
  const parsed = parseLoadArguments(argv, () => randomInt(0, 2 ** 31));
  if (parsed === 'help') {
    output.out(LOAD_HELP);
    return LOAD_EXIT.ok;
  }
  if (typeof parsed === 'string') {
    output.err(`load: ${parsed.replace(/\p{Cc}/gu, '\uFFFD')}\n\n${LOAD_HELP}`);
    return LOAD_EXIT.usage;
  }
  let ackLog: WriteStream | undefined;
  let writeFailure: unknown;
  let credentials: Credentials | undefined;
  try {
    credentials = await credentialsOf(parsed.token);
    if (parsed.ackLog !== undefined) {
      ackLog = await openForAppend(parsed.ackLog);
      // A full disk must not crash the run; it fails it at the end, once the log is closed.
      ackLog.on('error', (error) => (writeFailure ??= error));
    }
    output.out(
      `Sending ${parsed.rate} commands/s for ${parsed.durationSeconds} s to ${parsed.commandUrl} ${credentials.described}, seed ${parsed.seed} (--seed ${parsed.seed} repeats this run).`,
    );
    const summary = await runLoad(
      {
        ...parsed,
        authorization: credentials.authorization,
        ...(ackLog === undefined ? {} : { onAcknowledgement: (command) => void ackLog?.write(`${formatAcknowledgedCommand(command)}\n`) }),
        ...(signal === undefined ? {} : { signal }),
      },
      send,
    );
    if (ackLog !== undefined) await close(ackLog);
    if (writeFailure !== undefined)
      throw new Error(`the acknowledgement log ${parsed.ackLog} could not be written: ${messageOf(writeFailure)}`);
    if (parsed.json !== undefined) writeFileSync(parsed.json, `${JSON.stringify(summary, null, 2)}\n`);
    output.out(formatLoadReport(summary));
    return summary.interrupted ? LOAD_EXIT.interrupted : LOAD_EXIT.ok;
  } catch (error) {
    ackLog?.destroy();
    output.err(`load: ${messageOf(error)}`);
    return LOAD_EXIT.failed;
  } finally {
    credentials?.stop();
  }
}

async function openForAppend(file: string): Promise<WriteStream> {
  const stream = createWriteStream(file, { flags: 'a' });
  await Promise.race([once(stream, 'open'), once(stream, 'error').then(([error]) => Promise.reject(error))]);
  return stream;
}

async function close(stream: WriteStream): Promise<void> {
  if (stream.destroyed) return;
  await new Promise<void>((resolve) => stream.end(resolve));
}

if (require.main === module) {
  // The first Ctrl-C stops sending and reports what was sent; a second one ends the process.
  const controller = new AbortController();
  process.once('SIGINT', () => {
    controller.abort();
    process.once('SIGINT', () => process.exit(LOAD_EXIT.interrupted));
  });
  runLoadCli(
    process.argv.slice(2),
    { out: (t) => void process.stdout.write(`${t}\n`), err: (t) => void process.stderr.write(`${t}\n`) },
    controller.signal,
  ).then(
    (code) => (process.exitCode = code),
    (error: unknown) => {
      process.stderr.write(`load: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
      process.exitCode = LOAD_EXIT.failed;
    },
  );
}
