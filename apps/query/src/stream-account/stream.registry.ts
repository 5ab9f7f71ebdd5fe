import { BeforeApplicationShutdown, Injectable } from '@nestjs/common';
import { QueryConfig } from '../query.config';
import { QueryMetrics } from '../query.metrics';

export interface StreamSlot {
  /** Gives the slot back; safe to call more than once. */
  release(): void;
}

/**
 * Bounds the open streams of this process. Each slot remembers how to end its stream, so a shutdown
 * ends them all (clients reconnect to another replica with Last-Event-ID) instead of holding the
 * server open.
 */
@Injectable()
export class StreamRegistry implements BeforeApplicationShutdown {
  private readonly open = new Set<() => void>();

  constructor(
    private readonly config: QueryConfig,
    private readonly metrics: QueryMetrics,
  ) {}

  /** A slot for one more stream, or null when every slot is taken. */
  tryAcquire(endStream: () => void): StreamSlot | null {
    if (this.open.size >= this.config.QUERY_SSE_MAX_CLIENTS) {
      this.metrics.sseRefused.inc();
      return null;
    }
    const entry = () => endStream();
    this.open.add(entry);
    this.metrics.sseClients.set(this.open.size);
    return {
      release: () => {
        if (this.open.delete(entry)) this.metrics.sseClients.set(this.open.size);
      },
    };
  }

  beforeApplicationShutdown(): void {
    for (const endStream of [...this.open]) endStream();
  }
}
