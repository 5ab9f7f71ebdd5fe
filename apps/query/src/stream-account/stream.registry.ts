import { BeforeApplicationShutdown, Injectable } from '@nestjs/common';
import { QueryConfig } from '../query.config';
import { QueryMetrics } from '../query.metrics';

export interface StreamSlot {
  /** Gives the slot back; safe to call more than once. */
  release(): void;
}

/** Why no slot was given: every one of the process is taken, or every one the caller may hold. */
export type StreamRefusal = 'process' | 'caller';

/**
 * Bounds the open streams of this process, and of each caller in it (one caller cannot take every
 * slot). Each slot remembers how to end its stream, so a shutdown
 * ends them all (clients reconnect to another replica with Last-Event-ID) instead of holding the
 * server open.
 */
@Injectable()
export class StreamRegistry implements BeforeApplicationShutdown {
  private readonly open = new Set<() => void>();
  private readonly byCaller = new Map<string, number>();

  constructor(
    private readonly config: QueryConfig,
    private readonly metrics: QueryMetrics,
  ) {}

  /** A slot for one more stream of `caller` (its subject), or why there is none. */
  tryAcquire(caller: string, endStream: () => void): StreamSlot | StreamRefusal {
    const held = this.byCaller.get(caller) ?? 0;
    const refusal =
      this.open.size >= this.config.QUERY_SSE_MAX_CLIENTS
        ? 'process'
        : held >= this.config.QUERY_SSE_MAX_STREAMS_PER_CALLER
          ? 'caller'
          : null;
    if (refusal !== null) {
      this.metrics.sseRefused.inc();
      return refusal;
    }
    const entry = () => endStream();
    this.open.add(entry);
    this.byCaller.set(caller, held + 1);
    this.metrics.sseClients.set(this.open.size);
    return {
      release: () => {
        if (!this.open.delete(entry)) return;
        this.metrics.sseClients.set(this.open.size);
        const left = (this.byCaller.get(caller) ?? 1) - 1;
        if (left > 0) this.byCaller.set(caller, left);
        else this.byCaller.delete(caller);
      },
    };
  }

  beforeApplicationShutdown(): void {
    for (const endStream of [...this.open]) endStream();
  }
}
