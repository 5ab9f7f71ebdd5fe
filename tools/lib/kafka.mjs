// A local single-node Apache Kafka broker (KRaft) run from Maven Central jars, or the one KAFKA_BROKERS names.
import { existsSync, mkdirSync, readFileSync, readdirSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { canConnect, parseHostPort, waitUntil } from './net.mjs';
import { kafkaPaths as paths } from './paths.mjs';
import { capture, hasCommand, liveRecord, removePidFile, run, spawnDaemon, stopProcess, withLock, writePidFile } from './process.mjs';
import { readFrom, sha256Of, shown, sizeOf, tailOf } from './files.mjs';

const LOCAL_BROKERS = '127.0.0.1:9092';
/**
 * The second listener of the local broker (tools/kafka/server.properties) and its development user, for
 * trying KAFKA_SASL_* settings: KAFKA_BROKERS=127.0.0.1:9094 KAFKA_SASL_MECHANISM=scram-sha-512 ...
 */
export const LOCAL_SASL = Object.freeze({
  brokers: '127.0.0.1:9094',
  mechanism: 'scram-sha-512',
  username: 'ledger',
  password: 'ledger-development-password',
});
const SCRAM_CREDENTIAL = `SCRAM-SHA-512=[iterations=8192,password=${LOCAL_SASL.password}]`;
const BROKER_MAIN = 'kafka.Kafka';
/**
 * Which of HotSpot's compilers the local broker runs, by LEDGER_KAFKA_JIT (read when it starts):
 * - `quick` (the default): the quick compiler (C1) alone. The broker lives for a test run beside the apps
 *   on a small machine; in its first minutes the optimising compiler (C2) took several times the CPU of
 *   its request handlers, and over such a life C1 alone costs the broker about half the CPU.
 * - `full`: both, as a production broker runs. Once warm it spends markedly less CPU per request, which
 *   is what a benchmark that counts the broker's CPU per command should see (README, Benchmarks).
 */
const BROKER_JIT_MODES = Object.freeze({ quick: ['-XX:TieredStopAtLevel=1'], full: [] });

/** The broker's JVM flags for the mode LEDGER_KAFKA_JIT names; anything but a known mode is an error. */
export function brokerJvmFlags(env = process.env) {
  return jvmFlagsFor(brokerJitMode(env));
}

function jvmFlagsFor(mode) {
  return ['-Xms512m', '-Xmx1g', '-XX:+UseG1GC', ...BROKER_JIT_MODES[mode], '-Djava.awt.headless=true'];
}

function brokerJitMode(env) {
  const mode = env.LEDGER_KAFKA_JIT || 'quick';
  if (!Object.hasOwn(BROKER_JIT_MODES, mode)) {
    throw new Error(`LEDGER_KAFKA_JIT must be one of ${Object.keys(BROKER_JIT_MODES).join(', ')}, not ${JSON.stringify(mode)}`);
  }
  return mode;
}

const START_TIMEOUT_MS = 90_000;
const STOP_GRACE_MS = 60_000;
const READY_LINE = 'Kafka Server started';
const POM_HASH_FILE = join(paths.libs, '.pom.sha256');

/**
 * Makes sure a broker answers. Returns { brokers, origin, startedHere }; startedHere is true only when
 * this call launched the broker (the caller then owns stopping it).
 */
export async function ensureKafka({ env = process.env, log = console.log } = {}) {
  if (env.KAFKA_BROKERS) return useConfiguredBrokers(env.KAFKA_BROKERS);
  const jit = brokerJitMode(env);
  return withLock(paths.startLock, () => reuseOrStart(log, jit));
}

async function reuseOrStart(log, jit) {
  const running = liveRecord(paths.pidFile);
  if (running) {
    await waitForBroker(running.pid, sizeOf(paths.serverLog), {
      requireLogLine: false,
    });
    // Records written before the mode was recorded are of brokers that ran the quick compiler.
    const runningJit = running.jit ?? 'quick';
    const note = runningJit === jit ? '' : `; LEDGER_KAFKA_JIT=${jit} applies from its next start`;
    return {
      brokers: running.brokers,
      origin: `local broker already running (pid ${running.pid}, jit ${runningJit}${note})`,
      startedHere: false,
    };
  }
  if (await brokerPortAnswers()) {
    return {
      brokers: LOCAL_BROKERS,
      origin: 'a broker already listening on 127.0.0.1:9092 (not managed here)',
      startedHere: false,
    };
  }

  const startedAt = Date.now();
  await ensureJars(log);
  writeServerProperties();
  const formattedNow = await ensureFormatted(log);
  const pid = await startBroker(log, jit);
  // A data directory formatted before the SASL listener existed has no user yet; set it (idempotently).
  if (!formattedNow) await addScramUser(log);
  const seconds = ((Date.now() - startedAt) / 1000).toFixed(1);
  return {
    brokers: LOCAL_BROKERS,
    origin: `started local broker (pid ${pid}, jit ${jit}) in ${seconds} s, log ${shown(paths.serverLog)}`,
    startedHere: true,
  };
}

/** Stops the broker started by ensureKafka (whichever process started it). */
export function stopKafka() {
  return withLock(paths.startLock, stopRunningBroker);
}

async function stopRunningBroker() {
  const running = liveRecord(paths.pidFile);
  if (!running) {
    removePidFile(paths.pidFile);
    return 'not running';
  }
  const outcome = await stopProcess(running.pid, {
    signal: 'SIGTERM',
    graceMs: STOP_GRACE_MS,
  });
  removePidFile(paths.pidFile);
  return `${outcome} (pid ${running.pid})`;
}

export async function kafkaStatus({ env = process.env } = {}) {
  if (env.KAFKA_BROKERS) {
    const { host, port } = parseHostPort(env.KAFKA_BROKERS.split(',')[0]);
    return {
      brokers: env.KAFKA_BROKERS,
      up: await canConnect(host, port),
      detail: 'from KAFKA_BROKERS',
    };
  }
  const running = liveRecord(paths.pidFile);
  const up = await brokerPortAnswers();
  if (running)
    return {
      brokers: running.brokers,
      up,
      detail: `local broker, pid ${running.pid}, log ${shown(paths.serverLog)}`,
    };
  return {
    brokers: LOCAL_BROKERS,
    up,
    detail: up ? 'listening, not managed here' : 'not running',
  };
}

async function useConfiguredBrokers(brokers) {
  const { host, port } = parseHostPort(brokers.split(',')[0]);
  if (!(await canConnect(host, port, 3_000))) throw new Error(`KAFKA_BROKERS=${brokers}: ${host}:${port} does not accept connections`);
  return { brokers, origin: 'KAFKA_BROKERS', startedHere: false };
}

function brokerPortAnswers() {
  const { host, port } = parseHostPort(LOCAL_BROKERS);
  return canConnect(host, port);
}

/** The broker jars alone, for a tool that runs a broker of its own from them (tools/chaos). */
export function ensureKafkaJars({ log = console.log } = {}) {
  return withLock(paths.startLock, () => ensureJars(log));
}

/** Copies the runtime jars of tools/kafka/pom.xml into tools/.local/kafka/libs unless they match the POM. */
async function ensureJars(log) {
  const pomHash = sha256Of(paths.pom);
  if (existsSync(POM_HASH_FILE) && readFileSync(POM_HASH_FILE, 'utf8').trim() === pomHash) return;
  if (!(await hasCommand('mvn'))) throw new Error('Maven (mvn) is needed to fetch the Kafka jars; install it (e.g. apt-get install maven)');
  if (!(await hasCommand('java')))
    throw new Error('Java 17+ is needed to run Kafka; install it (e.g. apt-get install openjdk-17-jre-headless)');

  log(`kafka: resolving broker jars with Maven into ${shown(paths.libs)} ...`);
  const staging = `${paths.libs}.partial`;
  rmSync(staging, { recursive: true, force: true });
  const code = await run(
    'mvn',
    [
      '-B',
      '-q',
      '-Dstyle.color=never',
      `-Dmaven.repo.local=${paths.mavenRepo}`,
      '-f',
      paths.pom,
      'org.apache.maven.plugins:maven-dependency-plugin:3.8.1:copy-dependencies',
      `-DoutputDirectory=${staging}`,
      '-DincludeScope=runtime',
    ],
    { stdio: ['ignore', 'inherit', 'inherit'] },
  );
  if (code !== 0) throw new Error(`Maven could not resolve the Kafka jars (exit ${code})`);
  // Swapped in whole so that an interrupted download never looks complete.
  rmSync(paths.libs, { recursive: true, force: true });
  renameSync(staging, paths.libs);
  writeFileSync(POM_HASH_FILE, pomHash + '\n');
  log(`kafka: ${readdirSync(paths.libs).filter((name) => name.endsWith('.jar')).length} jars ready`);
}

function writeServerProperties() {
  mkdirSync(paths.data, { recursive: true });
  const template = readFileSync(paths.propertiesTemplate, 'utf8');
  writeFileSync(paths.properties, template.replaceAll('@LOG_DIRS@', paths.data));
}

function javaArgs(logConfig, main, args) {
  // Java expands the trailing '*' of a classpath entry itself, so no shell is involved.
  return [`-Dlog4j2.configurationFile=${logConfig}`, '-cp', join(paths.libs, '*'), main, ...args];
}

/**
 * Formats the storage directory once (a fresh cluster id, the SASL listener's development user); later
 * starts reuse it. True when it formatted now.
 */
async function ensureFormatted(log) {
  if (existsSync(join(paths.data, 'meta.properties'))) return false;
  const tool = (args) => capture('java', javaArgs(paths.toolsLogConfig, 'kafka.tools.StorageTool', args));
  const clusterId = (await tool(['random-uuid'])).trim();
  const user = `SCRAM-SHA-512=[name=${LOCAL_SASL.username},password=${LOCAL_SASL.password}]`;
  await tool(['format', '--standalone', '-t', clusterId, '-c', paths.properties, '--add-scram', user]);
  log(`kafka: formatted ${shown(paths.data)} (cluster ${clusterId}, SASL user ${LOCAL_SASL.username})`);
  return true;
}

/** Creates or resets the development SCRAM user through the running broker (KRaft stores it in its metadata). */
async function addScramUser(log) {
  const args = ['--bootstrap-server', LOCAL_BROKERS, '--alter', '--entity-type', 'users', '--entity-name', LOCAL_SASL.username];
  await capture('java', javaArgs(paths.toolsLogConfig, 'kafka.admin.ConfigCommand', [...args, '--add-config', SCRAM_CREDENTIAL]));
  log(`kafka: SASL user ${LOCAL_SASL.username} set on ${LOCAL_SASL.brokers}`);
}

async function startBroker(log, jit) {
  const logOffset = sizeOf(paths.serverLog);
  const child = spawnDaemon('java', [...jvmFlagsFor(jit), ...javaArgs(paths.brokerLogConfig, BROKER_MAIN, [paths.properties])], {
    logFile: paths.serverLog,
    cwd: paths.home,
  });
  writePidFile(paths.pidFile, {
    pid: child.pid,
    marker: BROKER_MAIN,
    brokers: LOCAL_BROKERS,
    jit,
    startedAt: new Date().toISOString(),
  });
  log(`kafka: starting broker (pid ${child.pid}) on ${LOCAL_BROKERS} ...`);
  try {
    await waitForBroker(child.pid, logOffset, { requireLogLine: true });
  } catch (error) {
    await stopProcess(child.pid, { graceMs: 5_000 }).catch(() => undefined);
    removePidFile(paths.pidFile);
    throw new Error(`${error.message}\n--- last lines of ${shown(paths.serverLog)} ---\n${tailOf(paths.serverLog)}`);
  }
  return child.pid;
}

/** Ready = the port accepts connections and (for a fresh start) the log says the server started. */
function waitForBroker(pid, logOffset, { requireLogLine }) {
  return waitUntil(
    async () => (await brokerPortAnswers()) && (!requireLogLine || readFrom(paths.serverLog, logOffset).includes(READY_LINE)),
    {
      timeoutMs: START_TIMEOUT_MS,
      what: `Kafka broker (pid ${pid})`,
      abort: () => (liveRecord(paths.pidFile) ? undefined : 'the process exited'),
    },
  );
}
