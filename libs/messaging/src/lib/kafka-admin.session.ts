import type { Admin, Kafka } from 'kafkajs';

/**
 * One admin connection, opened on first use and replaced after a disconnect, for readiness probes
 * and topic checks: a probe per request must not open a connection per request.
 */
export class KafkaAdminSession {
  private admin: Admin | null = null;

  constructor(private readonly kafka: Kafka) {}

  async get(): Promise<Admin> {
    if (this.admin !== null) return this.admin;
    const admin = this.kafka.admin();
    try {
      await admin.connect();
    } catch (error) {
      await admin.disconnect().catch(() => undefined);
      throw error;
    }
    admin.on(admin.events.DISCONNECT, () => {
      if (this.admin === admin) this.admin = null;
    });
    this.admin = admin;
    return admin;
  }

  /** Readiness: the cluster answers a metadata request. */
  async probe(): Promise<void> {
    await (await this.get()).describeCluster();
  }

  async close(): Promise<void> {
    const admin = this.admin;
    this.admin = null;
    await admin?.disconnect().catch(() => undefined);
  }
}
