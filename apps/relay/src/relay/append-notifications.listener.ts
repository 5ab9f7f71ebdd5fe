import { Logger } from '@nestjs/common';
import { EVENT_STORE_APPENDED_CHANNEL } from '@ledger/event-store';
import { Client } from 'pg';
import { backoffDelay, messageOf, sleep, whenAborted, type WakeSignal } from '@ledger/platform';

/**
 * `LISTEN event_store_appended` on a dedicated session (a pooled one would lose the subscription),
 * turning commits into wake-ups of the relay loop. Reconnects forever; each (re)connect also wakes
 * the loop, since notifications sent while disconnected are gone. Polling covers the gaps.
 */
export class AppendNotificationsListener {
  private readonly logger = new Logger('AppendNotifications');
  private readonly stopping = new AbortController();
  private running: Promise<void> | null = null;

  constructor(
    private readonly connectionString: string,
    private readonly applicationName: string,
    private readonly wake: WakeSignal,
  ) {}

  start(): void {
    this.running ??= this.listenForever();
  }

  async stop(): Promise<void> {
    this.stopping.abort();
    await this.running;
  }

  private async listenForever(): Promise<void> {
    let failures = 0;
    while (!this.stopping.signal.aborted) {
      const client = new Client({
        connectionString: this.connectionString,
        application_name: this.applicationName,
        keepAlive: true,
        connectionTimeoutMillis: 5_000,
      });
      const broken = new Promise<string>((resolve) => {
        client.on('error', (error: Error) => resolve(error.message));
        client.on('end', () => resolve('connection ended'));
      });
      client.on('notification', () => this.wake.notify());
      try {
        await client.connect();
        await client.query(`LISTEN ${EVENT_STORE_APPENDED_CHANNEL}`);
        failures = 0;
        this.wake.notify();
        const stopped = whenAborted(this.stopping.signal).then(() => 'stopped');
        const reason = await Promise.race([broken, stopped]);
        if (reason !== 'stopped') this.logger.warn(`notification session lost (${reason}); reconnecting`);
      } catch (error) {
        this.logger.warn(`cannot listen for appends (${messageOf(error)}); polling meanwhile`);
      } finally {
        await Promise.race([client.end().catch(() => undefined), sleep(2_000)]);
      }
      await sleep(backoffDelay(failures++, { initialMs: 100, maxMs: 5_000 }), this.stopping.signal);
    }
  }
}
