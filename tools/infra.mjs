#!/usr/bin/env node
// Local infrastructure for the ledger: PostgreSQL, a single-node Kafka broker and the development OpenID Connect issuer.
//   node tools/infra.mjs up       start what is missing (idempotent), print the connection settings
//   node tools/infra.mjs down     stop what `up` started
//   node tools/infra.mjs status   what is running
//   node tools/infra.mjs env      DATABASE_URL=... / KAFKA_BROKERS=... / OIDC_ISSUER=... lines for what is up
import { ensureInfra, infraEnv, infraStatus, redact, stopInfra } from './lib/infra.mjs';

const commands = {
  async up() {
    const startedAt = Date.now();
    const infra = await ensureInfra();
    console.log(`infra up in ${((Date.now() - startedAt) / 1000).toFixed(1)} s`);
    console.log(`DATABASE_URL=${infra.databaseUrl}`);
    console.log(`KAFKA_BROKERS=${infra.kafkaBrokers}`);
    console.log(`OIDC_ISSUER=${infra.oidcIssuer}`);
  },
  async down() {
    await stopInfra();
  },
  async status() {
    const { postgres, kafka, issuer } = await infraStatus();
    const line = (name, up, target, detail) => `${name.padEnd(9)} ${up ? 'up  ' : 'down'}  ${target}  (${detail})`;
    console.log(line('postgres', postgres.up, redact(postgres.url), postgres.detail));
    console.log(line('kafka', kafka.up, kafka.brokers, kafka.detail));
    console.log(line('issuer', issuer.up, issuer.url, issuer.detail));
  },
  async env() {
    for (const line of await infraEnv()) console.log(line);
  },
};

const name = process.argv[2];
if (!Object.hasOwn(commands, name)) {
  console.error('usage: node tools/infra.mjs up|down|status|env');
  process.exit(2);
}
try {
  await commands[name]();
} catch (error) {
  console.error(`infra ${name} failed: ${error.message}`);
  process.exit(1);
}
