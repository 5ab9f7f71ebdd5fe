/**
 * `npm run bench:decode [-- --messages 200000 --rounds 10]`
 *
 * What reading one consumed message costs the projector before any SQL, in this process alone (no
 * broker, no database), side by side in one run on the same messages (deposits as the relay encodes
 * them, headers as kafkajs hands them over):
 *
 *   - the floor: the value's bytes to a string and JSON.parse, what any consumer of JSON pays;
 *   - `decodeKafkaMessage`: the envelope checked field by field, the key and headers against it;
 *   - `decodeForProjection(rawFromKafka(...))`: all the projector does per message, the event inside
 *     the envelope decoded and checked against its stream too.
 *
 * Every case runs `--rounds` times over all the messages, the cases in turn within each round; the
 * table gives each one's fastest and median round in CPU microseconds per message (process.cpuUsage,
 * garbage collection included), with the Node flags the apps run with when started as
 * `node --max-semi-space-size=8 --single-threaded-gc -r @swc-node/register ...`. Writes
 * tools/bench/results/projector-decode.json.
 */
import { randomUUID } from 'node:crypto';
import { mkdirSync, writeFileSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { decodeKafkaMessage, toEnvelope, toKafkaMessage } from '@ledger/messaging';
import { decodeForProjection, rawFromKafka, type ConsumedMessage } from '@ledger/read-model-projection';
import { positiveNumber } from '../lib/bench-options';
import { median } from '../lib/median';
import { formatTable } from '../lib/table';

const RESULTS = join(__dirname, '..', 'results', 'projector-decode.json');

function options() {
  const { values } = parseArgs({ options: { messages: { type: 'string', default: '200000' }, rounds: { type: 'string', default: '10' } } });
  return { messages: Math.round(positiveNumber('messages', values.messages)), rounds: Math.round(positiveNumber('rounds', values.rounds)) };
}

/** A deposit as the relay sends it, with its headers as Buffers, as a kafkajs consumer receives them. */
function consumedDeposit(n: number): ConsumedMessage {
  const accountId = randomUUID();
  const occurredAt = new Date();
  const message = toKafkaMessage(
    toEnvelope({
      eventId: randomUUID(),
      streamId: accountId,
      version: 2 + (n % 50),
      type: 'MoneyDeposited',
      schemaVersion: 1,
      occurredAt,
      data: { accountId, amount: String(1 + (n % 100)), balanceAfter: String(1_000 + n), depositedAt: occurredAt.toISOString() },
      metadata: { correlationId: randomUUID(), causationId: randomUUID(), actor: { sub: `user-${n % 500}`, clientId: 'ledger-bench' } },
      globalPosition: String(n + 1),
    }),
  );
  const headers: Record<string, Buffer> = {};
  for (const [name, value] of Object.entries(message.headers ?? {})) headers[name] = Buffer.from(String(value));
  return { offset: String(n), key: Buffer.from(accountId), value: message.value as Buffer, headers };
}

interface Case {
  readonly measure: string;
  /** Returns something of the result, so that no work can be skipped. */
  readonly decode: (message: ConsumedMessage) => unknown;
}

const CASES: readonly Case[] = [
  { measure: 'floor: bytes to string, JSON.parse', decode: (m) => JSON.parse((m.value as Buffer).toString('utf8')) },
  { measure: 'decodeKafkaMessage (envelope, key, headers)', decode: (m) => decodeKafkaMessage(m).envelope.version },
  {
    measure: "decodeForProjection(rawFromKafka(...)) (the projector's whole decode)",
    decode: (m) => {
      const input = decodeForProjection(rawFromKafka('bench', 0, m));
      if (input.kind === 'poison') throw new Error(`a valid message decoded as poison: ${input.error}`);
      return input.event.version;
    },
  },
];

function cpuMicrosPerMessage(messages: readonly ConsumedMessage[], decode: Case['decode']): number {
  const sink: unknown[] = new Array(messages.length);
  const started = process.cpuUsage();
  for (let i = 0; i < messages.length; i += 1) sink[i] = decode(messages[i] as ConsumedMessage);
  const used = process.cpuUsage(started);
  if (sink[messages.length - 1] === undefined) throw new Error('the last message decoded to nothing');
  return (used.user + used.system) / messages.length;
}

function main(): void {
  const opts = options();
  process.stdout.write(`encoding ${opts.messages} deposits...\n`);
  const messages = Array.from({ length: opts.messages }, (_, n) => consumedDeposit(n));
  const rounds = CASES.map(() => [] as number[]);
  for (let round = 0; round < opts.rounds; round += 1) {
    CASES.forEach((c, i) => rounds[i]?.push(cpuMicrosPerMessage(messages, c.decode)));
  }
  const results = CASES.map((c, i) => {
    const values = rounds[i] ?? [];
    return { measure: c.measure, fastestMicros: Math.min(...values), medianMicros: median(values), rounds: values };
  });
  const floor = results[0]?.medianMicros ?? Number.NaN;
  process.stdout.write(
    `\n${formatTable(
      ['decode per message', 'fastest µs', 'median µs', 'x floor'],
      results.map((r) => [r.measure, r.fastestMicros.toFixed(2), r.medianMicros.toFixed(2), (r.medianMicros / floor).toFixed(1)]),
    )}\n${opts.rounds} rounds of ${opts.messages} messages, CPU of this process; ${cpus().length} CPUs (${cpus()[0]?.model ?? 'unknown'}), ` +
      `node ${process.version} ${process.execArgv.filter((a) => a.startsWith('--')).join(' ')}, load average ${loadavg()[0]?.toFixed(2)}\n`,
  );
  mkdirSync(join(RESULTS, '..'), { recursive: true });
  const machine = {
    date: new Date().toISOString(),
    cpus: cpus().length,
    cpuModel: cpus()[0]?.model,
    node: process.version,
    flags: process.execArgv,
  };
  writeFileSync(RESULTS, `${JSON.stringify({ benchmark: 'projector-decode', machine, options: opts, results }, null, 2)}\n`);
  process.stdout.write(`wrote ${RESULTS}\n`);
}

main();
