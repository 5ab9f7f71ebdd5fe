import type { FastifyReply } from 'fastify';
import type { ServerResponse } from 'node:http';
import type { StreamSink } from './account-stream';

/**
 * An HTTP response as a server-sent-events sink, bounded: a client whose unsent bytes pass
 * `maxBufferBytes`, or that does not drain within the stream's timeout, is dropped (the socket is
 * destroyed), so a stalled reader costs at most that much memory.
 */
export class SseWriter implements StreamSink {
  private readonly closing = new AbortController();
  readonly closed = this.closing.signal;
  private readonly response: ServerResponse;

  constructor(
    private readonly reply: FastifyReply,
    private readonly maxBufferBytes: number,
    private readonly onDropped: () => void,
  ) {
    this.response = reply.raw;
    this.response.once('close', () => this.closing.abort());
  }

  /** From here on the socket is the stream's: fastify neither answers nor times out this request. */
  open(): void {
    this.reply.hijack();
    // The heartbeat and the drain timeout keep a stream's socket honest; HTTP_CONNECTION_TIMEOUT_MS would cut a quiet one.
    this.response.socket?.setTimeout(0);
    this.response.statusCode = 200;
    this.response.setHeader('Content-Type', 'text/event-stream; charset=utf-8');
    this.response.setHeader('Cache-Control', 'no-cache, no-transform');
    // Reverse proxies (nginx) would otherwise buffer the stream.
    this.response.setHeader('X-Accel-Buffering', 'no');
    this.response.flushHeaders();
  }

  send(chunk: string): boolean {
    if (this.closed.aborted) return false;
    this.response.write(chunk);
    if (this.response.writableLength > this.maxBufferBytes) {
      this.drop();
      return false;
    }
    return true;
  }

  drained(timeoutMs: number): Promise<boolean> {
    if (this.closed.aborted) return Promise.resolve(false);
    if (!this.response.writableNeedDrain) return Promise.resolve(true);
    return new Promise((resolve) => {
      const finish = (drained: boolean) => {
        clearTimeout(timer);
        this.response.off('drain', onDrain);
        this.closed.removeEventListener('abort', onClose);
        resolve(drained);
      };
      const onDrain = () => finish(true);
      const onClose = () => finish(false);
      const timer = setTimeout(() => {
        this.drop();
        finish(false);
      }, timeoutMs);
      this.response.on('drain', onDrain);
      this.closed.addEventListener('abort', onClose, { once: true });
    });
  }

  /** Ends the stream cleanly (shutdown); the client reconnects elsewhere with Last-Event-ID. */
  end(): void {
    if (!this.closed.aborted) this.response.end();
  }

  private drop(): void {
    if (this.closed.aborted) return;
    this.onDropped();
    this.response.destroy();
  }
}
