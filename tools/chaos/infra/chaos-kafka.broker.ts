import { execFile } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, statSync, writeFileSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { freePort, portAnswers, startProcess, waitFor, type ManagedProcess, type ProcessExit } from '@ledger/tooling';
import { kafkaConfigDir, kafkaJarsDir, repoRoot } from './repo-paths';

const run = promisify(execFile);
/** A JVM starved of CPU by other work has taken five minutes to start. */
const START_TIMEOUT_MS = 600_000;
const READY_LINE = 'Kafka Server started';

/**
 * A single-node KRaft broker of the chaos run's own: the jars and configuration of the local stack
 * (tools/lib/kafka.mjs, tools/kafka/), but its own ports and log directory, so that it can be killed
 * and restarted while the shared broker keeps serving other tests.
 */
export class ChaosKafka {
  private broker: ManagedProcess | undefined;

  private constructor(
    private readonly home: string,
    readonly port: number,
  ) {}

  static async create(home: string): Promise<ChaosKafka> {
    await ensureJars(home);
    const port = await freePort();
    const controllerPort = await freePort();
    mkdirSync(home, { recursive: true });
    const properties = join(home, 'server.properties');
    // java.util.Properties keeps the last value of a repeated key: the run's settings follow the template.
    writeFileSync(
      properties,
      [
        readFileSync(join(kafkaConfigDir, 'server.properties'), 'utf8'),
        '# chaos run',
        `controller.quorum.bootstrap.servers=127.0.0.1:${controllerPort}`,
        `listeners=PLAINTEXT://127.0.0.1:${port},CONTROLLER://127.0.0.1:${controllerPort}`,
        `advertised.listeners=PLAINTEXT://127.0.0.1:${port},CONTROLLER://127.0.0.1:${controllerPort}`,
        `log.dirs=${join(home, 'data')}`,
        '',
      ].join('\n'),
    );
    const tool = async (args: readonly string[]) =>
      (await run('java', javaArgs('log4j2-tools.xml', 'kafka.tools.StorageTool', args))).stdout.trim();
    const clusterId = await tool(['random-uuid']);
    await tool(['format', '--standalone', '-t', clusterId, '-c', properties]);
    return new ChaosKafka(home, port);
  }

  get brokers(): string {
    return `127.0.0.1:${this.port}`;
  }

  get pid(): number | undefined {
    return this.broker?.pid;
  }

  /** Starts the broker on its ports and log directory; ready when the port answers and the log says it started. */
  async start(): Promise<number> {
    const logFile = join(this.home, 'server.log');
    const offset = existsSync(logFile) ? statSync(logFile).size : 0;
    const broker = startProcess(
      'java',
      // A small, lightly loaded broker: the serial collector and the quick compiler only spare the shared CPUs.
      [
        '-Xms256m',
        '-Xmx768m',
        '-XX:+UseSerialGC',
        '-XX:TieredStopAtLevel=1',
        '-Djava.awt.headless=true',
        ...javaArgs('log4j2.xml', 'kafka.Kafka', [join(this.home, 'server.properties')]),
      ],
      { env: { PATH: process.env['PATH'] ?? '' }, logFile, cwd: this.home },
    );
    this.broker = broker;
    const ready = await waitFor(
      async () => (await portAnswers(this.port)) && readFileSync(logFile).subarray(offset).toString('utf8').includes(READY_LINE),
      { timeoutMs: START_TIMEOUT_MS, intervalMs: 500, abort: () => broker.exit() !== undefined },
    );
    if (!ready) {
      await broker.stop('SIGKILL', 5_000);
      throw new Error(`Kafka broker (pid ${broker.pid}) not ready on port ${this.port}, see ${logFile}`);
    }
    return broker.pid;
  }

  /** kill -9: no controlled shutdown; the next start recovers the logs. */
  kill(): Promise<ProcessExit> {
    return this.broker?.stop('SIGKILL', 0) ?? Promise.resolve({ code: null, signal: null });
  }

  stop(): Promise<ProcessExit> {
    return this.broker?.stop('SIGTERM', 30_000) ?? Promise.resolve({ code: null, signal: null });
  }
}

function javaArgs(logConfig: string, main: string, args: readonly string[]): string[] {
  // Java expands the trailing '*' of a classpath entry itself.
  return [`-Dlog4j2.configurationFile=${join(kafkaConfigDir, logConfig)}`, '-cp', join(kafkaJarsDir, '*'), main, ...args];
}

/** The jars come from Maven Central through tools/lib/kafka.mjs, once per POM change, shared with the stack. */
async function ensureJars(home: string): Promise<void> {
  if (existsSync(kafkaJarsDir) && readdirSync(kafkaJarsDir).some((name) => name.endsWith('.jar'))) return;
  const script = 'const { ensureKafkaJars } = await import(process.argv[1]); await ensureKafkaJars();';
  const resolver = startProcess(process.execPath, ['--input-type=module', '-e', script, join(repoRoot, 'tools', 'lib', 'kafka.mjs')], {
    env: { PATH: process.env['PATH'] ?? '', HOME: process.env['HOME'] ?? '' },
    logFile: join(home, 'jars.log'),
  });
  const { code } = await resolver.exited;
  if (code !== 0) throw new Error(`resolving the Kafka jars failed (exit ${code}), see ${join(home, 'jars.log')}`);
}
