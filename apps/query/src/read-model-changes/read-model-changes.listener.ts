import { Injectable, Logger, OnApplicationShutdown, OnModuleInit } from '@nestjs/common';
import { Client, type Notification } from 'pg';
import { decodeChangedTransfers, decodeChangePayload, READ_MODEL_CHANGED_CHANNEL } from '@ledger/read-model-schema';
import { transferStreamId } from '@ledger/domain';
import { backoffDelay, messageOf, sleep, whenAborted } from '@ledger/platform';
import { QueryMetrics } from '../query.metrics';
import { QueryConfig } from '../query.config';

/** Called with the version an account reached, or null when anything may have changed (re-check). */
export type ChangeCallback = (version: number | null) => void;

const RECONNECT = { initialMs: 100, maxMs: 5_000 };
/** Accounts whose announced version is remembered; past it the memory starts over (forgetting is always safe). */
const MAX_ANNOUNCED = 100_000;
const FIRST_CONNECT_WAIT_MS = 5_000;

/**
 * The process's one `LISTEN read_model_changed` session: a dedicated connection (a pooled one would
 * lose the subscription), fanning the projector's per-batch NOTIFY out to whoever waits on an account.
 * It reconnects forever; every (re)connect, and every `*` payload, wakes every subscriber to re-check,
 * because notifications sent while it was not listening are gone.
 */
@Injectable()
export class ReadModelChangesListener implements OnModuleInit, OnApplicationShutdown {
  private readonly logger = new Logger('ReadModelChanges');
  private readonly subscribers = new Map<string, Set<ChangeCallback>>();
  /** The highest version announced per account on the current session; empty while there is none. */
  private readonly announced = new Map<string, number>();
  /** Identifies the session whose notifications count; null while not listening. */
  private session: object | null = null;
  private readonly stopping = new AbortController();
  private running: Promise<void> | null = null;
  private firstAttempt!: Promise<void>;
  private settleFirstAttempt!: () => void;

  constructor(
    private readonly config: QueryConfig,
    private readonly metrics: QueryMetrics,
  ) {
    this.firstAttempt = new Promise((resolve) => (this.settleFirstAttempt = resolve));
  }

  /** Starts listening; waits briefly for the first session so a fresh replica rarely misses a wake-up. */
  async onModuleInit(): Promise<void> {
    this.running ??= this.listenForever();
    await settledWithin(this.firstAttempt, FIRST_CONNECT_WAIT_MS);
  }

  async onApplicationShutdown(): Promise<void> {
    this.stopping.abort();
    await this.running;
    this.wakeAll();
  }

  /** Registers `callback` for the account's changes; returns the unsubscribe function. */
  subscribe(accountId: string, callback: ChangeCallback): () => void {
    let callbacks = this.subscribers.get(accountId);
    if (callbacks === undefined) {
      callbacks = new Set();
      this.subscribers.set(accountId, callbacks);
    }
    callbacks.add(callback);
    return () => {
      callbacks.delete(callback);
      if (callbacks.size === 0 && this.subscribers.get(accountId) === callbacks) this.subscribers.delete(accountId);
    };
  }

  /**
   * true when this session heard the account announced at a version, and every version it heard is
   * below `version`: a read now would find the account behind it, and the version, once committed, is
   * announced on this session too (announcements of an account come in commit order, and one that is
   * lost is covered by a `*`, which forgets all this). Otherwise (nothing heard, or not listening) false:
   * only a read can tell.
   */
  announcedBelow(accountId: string, version: number): boolean {
    const announced = this.session === null ? undefined : this.announced.get(accountId.toLowerCase());
    return announced !== undefined && announced < version;
  }

  private dispatch(notification: Notification, session: object): void {
    if (notification.channel !== READ_MODEL_CHANGED_CHANNEL || notification.payload === undefined) return;
    const moved = decodeChangePayload(notification.payload);
    if (moved === 'everything') {
      this.announced.clear();
      this.wakeAll();
      return;
    }
    // A notification read before its session was taken as current still wakes; only its versions go unremembered.
    const remember = session === this.session;
    if (remember && this.announced.size + moved.length > MAX_ANNOUNCED) this.announced.clear();
    for (const { accountId, version } of moved) {
      const key = accountId.toLowerCase();
      if (remember && (this.announced.get(key) ?? 0) < version) this.announced.set(key, version);
      for (const callback of this.subscribers.get(key) ?? []) callback(version);
    }
    // A transfer's item carries no version: its visibility hangs on its legs too, so its readers re-read.
    const transfers = decodeChangedTransfers(notification.payload);
    if (transfers === 'everything') return;
    for (const transferId of transfers) {
      for (const callback of this.subscribers.get(transferStreamId(transferId).toLowerCase()) ?? []) callback(null);
    }
  }

  private wakeAll(): void {
    for (const callbacks of [...this.subscribers.values()]) for (const callback of [...callbacks]) callback(null);
  }

  private async listenForever(): Promise<void> {
    let failures = 0;
    while (!this.stopping.signal.aborted) {
      const client = new Client({
        connectionString: this.config.DATABASE_URL,
        application_name: 'query-listen',
        keepAlive: true,
        connectionTimeoutMillis: 5_000,
      });
      const broken = new Promise<string>((resolve) => {
        client.on('error', (error: Error) => resolve(error.message));
        client.on('end', () => resolve('connection ended'));
      });
      const session = {};
      client.on('notification', (notification) => this.dispatch(notification, session));
      try {
        await client.connect();
        await client.query(`LISTEN ${READ_MODEL_CHANGED_CHANNEL}`);
        failures = 0;
        this.session = session;
        this.metrics.listening.set(1);
        // After LISTEN took effect: a change committed before it was never announced to us.
        this.wakeAll();
        this.settleFirstAttempt();
        // Shutdown may have begun while this session was connecting: its abort event is then past.
        const stopped = whenAborted(this.stopping.signal).then(() => 'stopped');
        const reason = await Promise.race([broken, stopped]);
        if (reason !== 'stopped') this.logger.warn(`notification session lost (${reason}); reconnecting`);
      } catch (error) {
        this.settleFirstAttempt();
        this.logger.warn(`cannot listen for read-model changes (${messageOf(error)})`);
      } finally {
        this.session = null;
        this.announced.clear();
        this.metrics.listening.set(0);
        await settledWithin(
          client.end().catch(() => undefined),
          2_000,
        );
      }
      await sleep(backoffDelay(failures++, RECONNECT), this.stopping.signal);
    }
  }
}

/** Waits for `promise`, but no longer than `ms`; the timer never outlives the wait. */
async function settledWithin(promise: Promise<unknown>, ms: number): Promise<void> {
  const timeout = new AbortController();
  await Promise.race([promise, sleep(ms, timeout.signal)]);
  timeout.abort();
}
