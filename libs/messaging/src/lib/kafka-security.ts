import { readFileSync } from 'node:fs';
import type { SASLOptions } from 'kafkajs';
import { messageOf, type KafkaConfig } from '@ledger/platform';

/** How a client proves itself to the brokers and checks them: kafkajs' `ssl` and `sasl` options. */
export interface KafkaSecurity {
  /** TLS: `true` trusts the system's CAs, an object carries the CA(s) of KAFKA_SSL_CA_FILE. */
  readonly ssl?: true | { readonly ca: string };
  readonly sasl?: SASLOptions;
}

export const NO_KAFKA_SECURITY: KafkaSecurity = {};

export class KafkaCaFileError extends Error {
  constructor(path: string, cause: unknown) {
    super(`KAFKA_SSL_CA_FILE ${path} cannot be read: ${messageOf(cause)}`);
    this.name = 'KafkaCaFileError';
  }
}

function sslOf(config: KafkaConfig): KafkaSecurity['ssl'] {
  if (!config.KAFKA_SSL) return undefined;
  if (config.KAFKA_SSL_CA_FILE === '') return true;
  try {
    return { ca: readFileSync(config.KAFKA_SSL_CA_FILE, 'utf8') };
  } catch (error) {
    throw new KafkaCaFileError(config.KAFKA_SSL_CA_FILE, error);
  }
}

function saslOf(config: KafkaConfig): SASLOptions | undefined {
  const { KAFKA_SASL_MECHANISM: mechanism, KAFKA_SASL_USERNAME: username, KAFKA_SASL_PASSWORD: password } = config;
  return mechanism === 'none' ? undefined : { mechanism, username, password };
}

/** The TLS and SASL settings of a validated config; reads the CA file, so call it once, at boot. */
export function kafkaSecurityOf(config: KafkaConfig): KafkaSecurity {
  const ssl = sslOf(config);
  const sasl = saslOf(config);
  return { ...(ssl === undefined ? {} : { ssl }), ...(sasl === undefined ? {} : { sasl }) };
}
