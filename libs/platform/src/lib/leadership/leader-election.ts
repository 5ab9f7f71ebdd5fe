import { Logger } from '@nestjs/common';
import { Client } from 'pg';
import { messageOf } from '../errors/error-message';
import { sleep } from '../resilience/backoff';
import { leaderLockName } from './leader-locks';

export interface LeaderElectionOptions {
  readonly connectionString: string;
  /** One of `leader-locks.ts`, so no two parts of the system compete for the same one. */
  readonly lockKey: string;
  /** How often a standby tries the lock. */
  readonly retryIntervalMs: number;
  readonly applicationName: string;
}

/** Leadership, for as long as `signal` is not aborted. `session` is the connection holding the lock. */
export interface LeaderLease {
  readonly session: Client;
  readonly signal: AbortSignal;
  release(): Promise<void>;
}

/**
 * One leader among the replicas of a service (the relay's publisher, the hold-expiry worker):
 * whoever holds `pg_try_advisory_lock(key)` on a dedicated session (never a pooled connection, which
 * would hand the lock to whatever borrows it next).
 * The lock lives exactly as long as the session, so when a leader dies, even by kill -9, the OS
 * closes its socket, Postgres ends the session and a standby gets the lock on its next try.
 *
 * Keepalives on both ends bound how long a silently dead peer (a pulled cable, no FIN) goes unnoticed.
 */
export class LeaderElection {
  private readonly logger = new Logger('LeaderElection');
  private readonly lockName: string;

  constructor(private readonly options: LeaderElectionOptions) {
    this.lockName = leaderLockName(options.lockKey);
  }

  /** Waits until this replica holds the lock (then returns the lease) or `stop` aborts (then null). */
  async acquire(stop: AbortSignal): Promise<LeaderLease | null> {
    let session: Client | null = null;
    let announcedStandby = false;
    while (!stop.aborted) {
      try {
        session ??= await this.connect();
        const { rows } = await session.query<{ locked: boolean }>('SELECT pg_try_advisory_lock($1::bigint) AS locked', [
          this.options.lockKey,
        ]);
        if (rows[0]?.locked === true) {
          if (stop.aborted) break;
          this.logger.log(`acquired the ${this.lockName}: this replica is the leader`);
          return this.lease(session);
        }
        if (!announcedStandby) {
          this.logger.log(`another replica holds the ${this.lockName}: standing by`);
          announcedStandby = true;
        }
      } catch (error) {
        this.logger.warn(`leader election: ${messageOf(error)}`);
        await closeQuietly(session);
        session = null;
      }
      await sleep(this.options.retryIntervalMs, stop);
    }
    await closeQuietly(session);
    return null;
  }

  private lease(session: Client): LeaderLease {
    const controller = new AbortController();
    const lose = (reason: string) => {
      if (controller.signal.aborted) return;
      this.logger.error(`lost the ${this.lockName} session (${reason}): no longer the leader`);
      controller.abort(new Error(reason));
    };
    session.on('error', (error: Error) => lose(error.message));
    session.on('end', () => lose('connection ended'));
    return {
      session,
      signal: controller.signal,
      release: async () => {
        controller.abort(new Error('released'));
        // Ending the session releases the lock; no unlock round trip that might hang on a dead socket.
        await closeQuietly(session);
      },
    };
  }

  private async connect(): Promise<Client> {
    const session = new Client({
      connectionString: this.options.connectionString,
      application_name: this.options.applicationName,
      keepAlive: true,
      keepAliveInitialDelayMillis: 2_000,
      connectionTimeoutMillis: 5_000,
      query_timeout: 15_000,
    });
    // Without a listener a broken socket would crash the process; the lease adds its own.
    session.on('error', () => undefined);
    await session.connect();
    try {
      // Server side: drop the session (and the lock) quickly if this process vanishes without a FIN.
      // A leader may write through this session only what it can afford to lose in a database crash
      // (the relay's checkpoints: one lost means resending a few events, which at-least-once allows),
      // so its commits need not wait for a WAL flush, which takes a disk flush off every batch's
      // critical path.
      await session.query(
        `SET tcp_keepalives_idle = 5; SET tcp_keepalives_interval = 2; SET tcp_keepalives_count = 3;
         SET client_connection_check_interval = 2000; SET statement_timeout = 15000;
         SET synchronous_commit = off`,
      );
    } catch (error) {
      await closeQuietly(session);
      throw error;
    }
    return session;
  }
}

async function closeQuietly(session: Client | null): Promise<void> {
  if (session === null) return;
  await Promise.race([session.end().catch(() => undefined), sleep(2_000)]);
}
