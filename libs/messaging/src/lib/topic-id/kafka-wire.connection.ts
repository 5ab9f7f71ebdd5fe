import { connect, type Socket } from 'node:net';

/** Far above any Metadata response for one topic; a bigger size prefix means we are not talking to Kafka. */
const MAX_FRAME_BYTES = 16 * 1024 * 1024;

/**
 * One plaintext TCP connection to a broker, one request at a time: each request goes out with a
 * 4-byte size prefix and the next frame back is its response (Kafka answers a connection's requests
 * in order). Any socket error, a timeout or a correlation id that does not match fails the request
 * and the connection; callers open a new one.
 */
export class KafkaWireConnection {
  private pending: Buffer = Buffer.alloc(0);
  private failure: Error | null = null;
  private waiter: { resolve: (frame: Buffer) => void; reject: (error: Error) => void } | null = null;

  private constructor(private readonly socket: Socket) {
    socket.on('data', (chunk: Buffer) => this.receive(chunk));
    socket.on('error', (error: Error) => this.fail(error));
    socket.on('close', () => this.fail(new Error('connection closed by the broker')));
  }

  static open(host: string, port: number, timeoutMs: number): Promise<KafkaWireConnection> {
    return new Promise((resolve, reject) => {
      const socket = connect({ host, port });
      const timer = setTimeout(() => {
        socket.destroy();
        reject(new Error(`cannot connect to ${host}:${port} within ${timeoutMs} ms`));
      }, timeoutMs);
      socket.once('error', (error) => {
        clearTimeout(timer);
        reject(error);
      });
      socket.once('connect', () => {
        clearTimeout(timer);
        resolve(new KafkaWireConnection(socket));
      });
    });
  }

  /** Sends one request (header and body, without the size) and resolves with the response frame. */
  async request(message: Buffer, correlationId: number, timeoutMs: number): Promise<Buffer> {
    if (this.failure !== null) throw this.failure;
    if (this.waiter !== null) throw new Error('one request at a time');
    const size = Buffer.alloc(4);
    size.writeInt32BE(message.length);
    const response = new Promise<Buffer>((resolve, reject) => {
      this.waiter = { resolve, reject };
    });
    const timer = setTimeout(() => this.fail(new Error(`no response within ${timeoutMs} ms`)), timeoutMs);
    try {
      this.socket.write(Buffer.concat([size, message]));
      const frame = await response;
      const answered = frame.length >= 4 ? frame.readInt32BE(0) : null;
      if (answered !== correlationId) throw new Error(`response to request ${answered}, expected ${correlationId}`);
      return frame;
    } finally {
      clearTimeout(timer);
    }
  }

  close(): void {
    this.socket.destroy();
  }

  private receive(chunk: Buffer): void {
    this.pending = Buffer.concat([this.pending, chunk]);
    if (this.pending.length < 4) return;
    const size = this.pending.readInt32BE(0);
    if (size < 0 || size > MAX_FRAME_BYTES) {
      this.fail(new Error(`implausible response size ${size}: not a Kafka broker?`));
      return;
    }
    if (this.pending.length < 4 + size) return;
    const frame = this.pending.subarray(4, 4 + size);
    this.pending = this.pending.subarray(4 + size);
    const waiter = this.waiter;
    this.waiter = null;
    waiter?.resolve(Buffer.from(frame));
  }

  private fail(error: Error): void {
    this.failure ??= error;
    const waiter = this.waiter;
    this.waiter = null;
    waiter?.reject(error);
    this.socket.destroy();
  }
}
