import { request as httpRequest, type ClientRequest, type IncomingHttpHeaders, type IncomingMessage } from 'node:http';
import { performance } from 'node:perf_hooks';
import { eventually } from './eventually';

export interface SseMessage {
  readonly id: string | undefined;
  readonly event: string | undefined;
  /** The `data` field, parsed as JSON. */
  readonly data: unknown;
  /** `performance.now()` when the message's last byte was read. */
  readonly receivedAt: number;
}

/**
 * A server-sent-events client over node:http that records every message (with its arrival time) and
 * comment it reads. A non-200 answer is read whole (a problem) and ends the client.
 */
export class SseClient {
  readonly messages: SseMessage[] = [];
  readonly comments: string[] = [];
  ended = false;
  private buffer = '';
  private listener: ((message: SseMessage) => void) | null = null;

  private constructor(
    readonly status: number,
    readonly headers: IncomingHttpHeaders,
    readonly body: string,
    private readonly request: ClientRequest,
    private readonly response: IncomingMessage,
  ) {}

  static connect(url: string, headers: Record<string, string> = {}): Promise<SseClient> {
    return new Promise((resolve, reject) => {
      const request = httpRequest(url, { method: 'GET', headers: { accept: 'text/event-stream', ...headers } });
      request.on('error', reject);
      request.on('response', (response) => {
        response.setEncoding('utf8');
        if (response.statusCode !== 200) {
          let body = '';
          response.on('data', (chunk: string) => (body += chunk));
          response.on('end', () => {
            const client = new SseClient(response.statusCode ?? 0, response.headers, body, request, response);
            client.ended = true;
            resolve(client);
          });
          return;
        }
        const client = new SseClient(200, response.headers, '', request, response);
        response.on('data', (chunk: string) => client.receive(chunk));
        response.on('close', () => (client.ended = true));
        resolve(client);
      });
      request.end();
    });
  }

  /** Called with each message as it arrives (one listener; benchmarks timestamp with it). */
  onMessage(listener: (message: SseMessage) => void): void {
    this.listener = listener;
  }

  /** The `id` of every message so far, as numbers (the account versions). */
  versions(): number[] {
    return this.messages.map((message) => Number(message.id));
  }

  async waitForMessages(count: number, timeoutMs = 15_000): Promise<SseMessage[]> {
    await eventually(() => this.messages.length >= count, timeoutMs, `${count} stream messages (got ${this.messages.length})`);
    return this.messages.slice(0, count);
  }

  close(): void {
    this.response.destroy();
    this.request.destroy();
  }

  private receive(chunk: string): void {
    this.buffer += chunk;
    let end = this.buffer.indexOf('\n\n');
    while (end >= 0) {
      this.parse(this.buffer.slice(0, end));
      this.buffer = this.buffer.slice(end + 2);
      end = this.buffer.indexOf('\n\n');
    }
  }

  private parse(block: string): void {
    const fields: Record<string, string> = {};
    for (const line of block.split('\n')) {
      if (line.startsWith(':')) {
        this.comments.push(line.slice(1).trim());
        continue;
      }
      const colon = line.indexOf(':');
      fields[line.slice(0, colon)] = line.slice(colon + 1).replace(/^ /, '');
    }
    const data = fields['data'];
    if (data === undefined) return;
    const message: SseMessage = { id: fields['id'], event: fields['event'], data: JSON.parse(data), receivedAt: performance.now() };
    this.messages.push(message);
    this.listener?.(message);
  }
}
