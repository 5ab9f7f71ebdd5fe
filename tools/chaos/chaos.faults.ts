import { messageOf, sleep } from '@ledger/platform';
import type { Fault } from './chaos.plan';
import type { FaultRecord } from './chaos.report';
import type { ProcessExit } from '@ledger/tooling';
import { describeExit, type AppReplica } from './pipeline/app-replica';
import type { ChaosStack } from './pipeline/chaos-stack';
import { metricValue } from '@ledger/tooling';
import type { RunJournal } from './pipeline/run-journal';

const SCALED = ['relay-2', 'projector-2'];

/** Whether the operating system still knows the pid (signal 0 checks without sending anything). */
export function pidAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** Carries one fault out and records what really happened; a fault that fails is recorded, not thrown. */
export async function injectFault(fault: Fault, stack: ChaosStack, journal: RunJournal, plannedAtSeconds: number): Promise<FaultRecord> {
  const base = { kind: fault.kind, plannedAtSeconds, atSeconds: journal.seconds() };
  try {
    switch (fault.kind) {
      case 'kill':
        return await killApp(stack, journal, fault, base);
      case 'scale-out':
        return await scaleOut(stack, journal, base);
      case 'scale-in':
        return await scaleIn(stack, journal, base);
      case 'restart-kafka':
        return await restartServer(journal, base, fault.downMs, kafkaServer(stack));
      case 'restart-postgres':
        return await restartServer(journal, base, fault.downMs, postgresServer(stack));
    }
  } catch (error) {
    journal.note(`${fault.kind} failed: ${messageOf(error)}`);
    return { ...base, target: fault.kind === 'kill' ? `${fault.role}-${fault.replica}` : fault.kind, error: messageOf(error) };
  }
}

function required<T>(value: T | undefined): T {
  if (value === undefined) throw new Error('the stack is not started');
  return value;
}

type Base = Pick<FaultRecord, 'kind' | 'plannedAtSeconds' | 'atSeconds'>;

async function killApp(stack: ChaosStack, journal: RunJournal, fault: Extract<Fault, { kind: 'kill' }>, base: Base): Promise<FaultRecord> {
  const wanted = stack.replica(`${fault.role}-${fault.replica}`);
  // The second replica runs only between scale-out and scale-in; a plan never asks for it elsewhere.
  const replica = wanted.pid === undefined && fault.replica === 2 ? stack.replica(`${fault.role}-1`) : wanted;
  const note = fault.role === 'relay' ? await relayRole(replica) : undefined;
  journal.note(`kill -9 ${replica.name}${note === undefined ? '' : ` (${note})`}`);
  const atSeconds = journal.seconds();
  const { pid, exit } = await replica.kill();
  const killed = { ...base, atSeconds, target: replica.name, role: fault.role, ...(note === undefined ? {} : { note }) };
  return { ...killed, ...(await restartApp(replica, journal, pid, exit, fault.downMs)) };
}

async function relayRole(relay: AppReplica): Promise<string | undefined> {
  const text = await relay.metrics();
  const leader = text === undefined ? undefined : metricValue(text, 'ledger_relay_leader');
  return leader === undefined ? undefined : leader === 1 ? 'leader' : 'standby';
}

async function restartApp(
  replica: AppReplica,
  journal: RunJournal,
  pid: number,
  exit: ProcessExit,
  downMs: number,
): Promise<Partial<FaultRecord>> {
  const stoppedPidGone = !pidAlive(pid);
  journal.note(`${replica.name} pid ${pid} ended by ${describeExit(exit)}; restarting in ${downMs} ms`);
  await sleep(downMs);
  const newPid = await replica.start();
  journal.note(`${replica.name} pid ${newPid} ready`);
  return { stoppedPid: pid, exit: describeExit(exit), stoppedPidGone, downMs, newPid, readyAtSeconds: journal.seconds() };
}

async function scaleOut(stack: ChaosStack, journal: RunJournal, base: Base): Promise<FaultRecord> {
  journal.note(`scale out: starting ${SCALED.join(' and ')}`);
  const pids = await Promise.all(SCALED.map((name) => stack.replica(name).start()));
  journal.note(`scaled out: ${SCALED.map((name, i) => `${name} pid ${pids[i]}`).join(', ')} ready`);
  return { ...base, target: SCALED.join(' + '), note: `pids ${pids.join(', ')}`, readyAtSeconds: journal.seconds() };
}

async function scaleIn(stack: ChaosStack, journal: RunJournal, base: Base): Promise<FaultRecord> {
  journal.note(`scale in: stopping ${SCALED.join(' and ')} (SIGTERM)`);
  const exits = await Promise.all(SCALED.map((name) => stack.replica(name).stop()));
  const ended = exits.map((exit, i) => `${SCALED[i]} ${exit === undefined ? 'not running' : describeExit(exit)}`);
  journal.note(`scaled in: ${ended.join(', ')}`);
  return { ...base, target: SCALED.join(' + '), note: ended.join(', ') };
}

interface Server {
  readonly target: 'kafka' | 'postgres';
  readonly pid: number | undefined;
  stop(): Promise<ProcessExit>;
  start(): Promise<number>;
}

const kafkaServer = (stack: ChaosStack): Server => {
  const kafka = required(stack.kafka);
  return { target: 'kafka', pid: kafka.pid, stop: () => kafka.kill(), start: () => kafka.start() };
};

const postgresServer = (stack: ChaosStack): Server => {
  const postgres = required(stack.postgres);
  return { target: 'postgres', pid: postgres.pid, stop: () => postgres.crash(), start: () => postgres.start() };
};

async function restartServer(journal: RunJournal, base: Base, downMs: number, server: Server): Promise<FaultRecord> {
  journal.note(
    server.target === 'kafka'
      ? `kill -9 the Kafka broker (pid ${server.pid})`
      : `crash PostgreSQL (pid ${server.pid}): immediate shutdown, SIGQUIT`,
  );
  const atSeconds = journal.seconds();
  const exit = await server.stop();
  const stoppedPidGone = server.pid !== undefined && !pidAlive(server.pid);
  journal.note(
    `${server.target} pid ${server.pid} ended by ${describeExit(exit)}; restarting in ${downMs} ms on the same port and data directory`,
  );
  await sleep(downMs);
  const newPid = await server.start();
  journal.note(`${server.target} pid ${newPid} ready`);
  return {
    ...base,
    target: server.target,
    atSeconds,
    ...(server.pid === undefined ? {} : { stoppedPid: server.pid }),
    exit: describeExit(exit),
    stoppedPidGone,
    downMs,
    newPid,
    readyAtSeconds: journal.seconds(),
  };
}
