import type { Admin, Kafka } from 'kafkajs';

/**
 * One admin connection, opened on first use and replaced after a disconnect, for readiness probes
 * and topic checks: a probe per request must not open a connection per request.
 */
export class KafkaAdminSession {
  /** The connection, or the attempt to make it: concurrent callers share one and never open two. */
  private admin: Promise<Admin> | null = null;

  constructor(private readonly kafka: Kafka) {}

  get(): Promise<Admin> {
    if (this.admin !== null) return this.admin;
    const attempt = this.connect();
    const forget = () => {
      if (this.admin === attempt) this.admin = null;
    };
    attempt.then((admin) => admin.on(admin.events.DISCONNECT, forget), forget);
    this.admin = attempt;
    return attempt;
  }

  /** Readiness: the cluster answers a metadata request. */
  async probe(): Promise<void> {
    await (await this.get()).describeCluster();
  }

  async close(): Promise<void> {
    const attempt = this.admin;
    this.admin = null;
    const admin = await attempt?.catch(() => null);
    await admin?.disconnect().catch(() => undefined);
  }

  private async connect(): Promise<Admin> {
    const admin = this.kafka.admin();
    try {
      await admin.connect();
      return admin;
    } catch (error) {
      await admin.disconnect().catch(() => undefined);
      throw error;
    }
  }
}
