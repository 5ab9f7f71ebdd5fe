import { Logger } from '@nestjs/common';
import { backoffDelay, messageOf, sleep, type BackoffPolicy } from '@ledger/platform';
import { closeGap, closeTransferGap, type BatchOutcome, type ProjectionInput, type ProjectionWriter } from '@ledger/read-model-projection';
import type { AccountMoved } from '@ledger/read-model-schema';
import type { Pool } from 'pg';
import { classifyDatabaseFailure, DatabaseUnavailableError, mayPark, shouldIsolate, type DatabaseFailure } from './database-failure';
import type { ProjectorMetrics } from './projector.metrics';

/** kafkajs sends a heartbeat at most once per heartbeat interval however often it is asked. */
const HEARTBEAT_SLICE_MS = 1_000;

export interface BatchApplierDeps {
  readonly pool: Pool;
  readonly writer: ProjectionWriter;
  readonly metrics: ProjectorMetrics;
  readonly backoff: BackoffPolicy;
  readonly maxAttempts: number;
  /** Aborted at shutdown: ends a backoff at once. */
  readonly signal: AbortSignal;
  /**
   * Told what each committed batch moved: accounts, and transfers whose rows changed (the writer itself
   * does not notify, see ChangeAnnouncer).
   */
  readonly announce: (moved: readonly AccountMoved[], transfersChanged: readonly string[]) => Promise<void>;
}

/** What the partition's consumer says while a batch is retried. */
export interface BatchControl {
  /** False once the partition is no longer this replica's, or the consumer stops: give up, commit nothing. */
  readonly active: () => boolean;
  /** Keeps the group membership alive during a long retry; throws when the group rebalances. */
  readonly heartbeat: () => Promise<void>;
}

/**
 * Applies one batch in one read-model transaction, retrying until it commits or the partition is no
 * longer ours. An outage or a transient failure is retried for as long as it lasts; a batch the
 * database keeps refusing is then applied account by account, so only the refused account is
 * dead-lettered and parked.
 */
export class BatchApplier {
  private readonly logger = new Logger('Projector');

  constructor(private readonly deps: BatchApplierDeps) {}

  /** The committed outcome, or null when the batch was given up before it committed. */
  async apply(inputs: readonly ProjectionInput[], control: BatchControl): Promise<BatchOutcome | null> {
    const { backoff, maxAttempts, signal, metrics } = this.deps;
    let failures = 0;
    let refusals = 0;
    let isolate = false;
    while (control.active() && !signal.aborted) {
      try {
        const outcome = await this.attempt(inputs, failures + 1, isolate);
        await this.committed(outcome);
        return outcome;
      } catch (error) {
        const failure = classifyDatabaseFailure(error);
        metrics.batchFailures.inc({ kind: failure });
        if (mayPark(failure)) refusals += 1;
        isolate ||= shouldIsolate(failure, { refusals, maxAttempts });
        const delay = backoffDelay(failures, backoff);
        failures += 1;
        this.report(failure, error, { failures, isolate, delay, size: inputs.length });
        await this.wait(delay, control);
      }
    }
    return null;
  }

  /**
   * One attempt, no retry: for the chunks of several partitions applied together. Null when it failed
   * (counted and logged); the caller then applies each chunk on its own with `apply`, so one chunk the
   * database refuses is retried, isolated and parked without holding back the others.
   */
  async applyOnce(inputs: readonly ProjectionInput[], chunks: number): Promise<BatchOutcome | null> {
    try {
      const outcome = await this.attempt(inputs, 1, false);
      await this.committed(outcome);
      return outcome;
    } catch (error) {
      const failure = classifyDatabaseFailure(error);
      this.deps.metrics.batchFailures.inc({ kind: failure });
      this.logger.warn(
        `a transaction of ${chunks} chunks (${inputs.length} messages) failed (${failure}): ${messageOf(error)}; applying each chunk on its own`,
      );
      return null;
    }
  }

  /** After a commit: announce what moved and re-drive the gaps it closed. */
  private async committed(outcome: BatchOutcome): Promise<void> {
    // Alongside the offset commit that follows, not before it: it never throws.
    void this.deps.announce(outcome.moved, outcome.transfersChanged);
    await this.closeGaps(outcome.gapsClosed);
    await this.closeTransferGaps(outcome.transferGapsClosed);
  }

  /**
   * The projection's own rule (`closeGap`): an account parked at a version gap whose missing version
   * this batch held is replayed at once, in version order. A failed replay leaves it parked for an
   * operator; it never fails the batch, which has committed.
   */
  private async closeGaps(accountIds: readonly string[]): Promise<void> {
    for (const accountId of accountIds) {
      try {
        const outcome = await closeGap(this.deps.pool, this.deps.writer, accountId);
        this.logger.log(`account ${accountId}: the version its gap was missing arrived; re-driven (${outcome.kind})`);
      } catch (error) {
        this.logger.warn(`account ${accountId}: re-driving it once its gap closed failed, it stays parked: ${messageOf(error)}`);
      }
    }
  }

  /** As `closeGaps`, for transfers' own streams. */
  private async closeTransferGaps(transferIds: readonly string[]): Promise<void> {
    for (const transferId of transferIds) {
      try {
        const outcome = await closeTransferGap(this.deps.pool, this.deps.writer, transferId);
        this.logger.log(`transfer ${transferId}: the version its gap was missing arrived; re-driven (${outcome.kind})`);
      } catch (error) {
        this.logger.warn(`transfer ${transferId}: re-driving it once its gap closed failed, it stays parked: ${messageOf(error)}`);
      }
    }
  }

  /** Heartbeats through a long backoff, so a stalled partition stays this replica's instead of bouncing around the group. */
  private async wait(delayMs: number, control: BatchControl): Promise<void> {
    const until = Date.now() + delayMs;
    for (let left = delayMs; left > 0 && control.active() && !this.deps.signal.aborted; left = until - Date.now()) {
      await sleep(Math.min(left, HEARTBEAT_SLICE_MS), this.deps.signal);
      await control.heartbeat();
    }
  }

  private async attempt(inputs: readonly ProjectionInput[], attempts: number, isolate: boolean): Promise<BatchOutcome> {
    const { pool, writer } = this.deps;
    const client = await pool.connect().catch((error: unknown) => {
      throw new DatabaseUnavailableError(error);
    });
    try {
      // In isolation an account is refused (and parked) only for a failure of its own rows; a transient
      // one fails the whole attempt, which is retried.
      const outcome = isolate
        ? await writer.applyIsolated(client, inputs, attempts, (error) => mayPark(classifyDatabaseFailure(error)))
        : await writer.apply(client, inputs, attempts);
      client.release();
      return outcome;
    } catch (error) {
      // The connection's state after a failed statement or ROLLBACK is unknown: never reuse it.
      client.release(error instanceof Error ? error : true);
      throw error;
    }
  }

  private report(
    failure: DatabaseFailure,
    error: unknown,
    at: { readonly failures: number; readonly isolate: boolean; readonly delay: number; readonly size: number },
  ): void {
    const what = `batch of ${at.size} failed (${failure}, attempt ${at.failures}): ${messageOf(error)}`;
    if (failure === 'outage') {
      this.logger.warn(`${what}; the database is unavailable, retrying in ${at.delay} ms`);
    } else if (failure === 'transient') {
      this.logger.warn(`${what}; retrying in ${at.delay} ms`);
    } else {
      const next = at.isolate ? 'applying it account by account' : 'retrying it';
      this.logger.error(`${what}; ${next} in ${at.delay} ms`);
    }
  }
}
