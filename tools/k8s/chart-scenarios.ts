import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { CHART_DIR, chartCiValuesFiles, type ChartValues } from '@ledger/testing';

export interface ChartScenario extends ChartValues {
  readonly name: string;
  /** Secrets these values name that the chart does not render (existingSecret). */
  readonly externalSecrets: readonly string[];
}

interface SecretValues {
  readonly database?: { readonly existingSecret?: string };
  readonly cursorSecret?: { readonly existingSecret?: string };
  readonly apps?: Record<string, { readonly database?: { readonly existingSecret?: string } } | undefined>;
  readonly kafka?: { readonly sasl?: { readonly existingSecret?: string } };
}

/** The Secrets a values file names through existingSecret: managed outside the chart, so never rendered. */
export function externalSecretsOf(valuesFile: string): string[] {
  const values = (parse(readFileSync(join(CHART_DIR, valuesFile), 'utf8')) ?? {}) as SecretValues;
  const apps = Object.values(values.apps ?? {}).map((app) => app?.database?.existingSecret);
  return [values.database?.existingSecret, values.cursorSecret?.existingSecret, values.kafka?.sasl?.existingSecret, ...apps].filter(
    (name): name is string => Boolean(name),
  );
}

/** Every values file in k8s/ledger/ci, plus the longest release name with migrations and the relay off. */
export function chartScenarios(): ChartScenario[] {
  return [
    ...chartCiValuesFiles().map((file) => ({ name: file, valuesFiles: [file], externalSecrets: externalSecretsOf(file) })),
    {
      name: 'longest release name (53 characters), migrations off, relay disabled',
      release: 'a'.repeat(53),
      valuesFiles: ['ci/default-values.yaml'],
      set: ['migrations.enabled=false', 'apps.relay.enabled=false'],
      externalSecrets: [],
    },
  ];
}

export interface Refusal extends ChartValues {
  readonly name: string;
  /** What helm's error must say. */
  readonly expect: RegExp;
}

/** Values that must make the render fail, with the message it must give. */
export const REFUSALS: readonly Refusal[] = [
  { name: 'no database.url and no existingSecret', expect: /database\.url/ },
  {
    name: 'a database.url that is not postgres://',
    valuesFiles: ['ci/default-values.yaml'],
    set: ['database.url=mysql://u@h/db'],
    expect: /postgres:\/\/ URL/,
  },
  { name: 'no cursorSecret.value and no existingSecret', set: ['database.url=postgres://u@h/db'], expect: /cursorSecret\.value/ },
  {
    name: 'a cursor secret too short to sign with',
    valuesFiles: ['ci/default-values.yaml'],
    set: ['cursorSecret.value=short'],
    expect: /cursorSecret\.value/,
  },
  {
    name: 'no auth.issuer',
    valuesFiles: ['ci/default-values.yaml'],
    set: ['auth.issuer='],
    expect: /set auth\.issuer/,
  },
  {
    name: 'an auth.issuer that is not a URL',
    valuesFiles: ['ci/default-values.yaml'],
    set: ['auth.issuer=keycloak'],
    expect: /set auth\.issuer/,
  },
  {
    name: 'more projector replicas than partitions',
    valuesFiles: ['ci/default-values.yaml'],
    set: ['apps.projector.replicaCount=13'],
    expect: /must not exceed kafka\.partitions/,
  },
  {
    name: "an app's database.url that is not postgres://",
    valuesFiles: ['ci/default-values.yaml'],
    set: ['apps.query.database.url=mysql://ledger_query@h/db'],
    expect: /apps\.query\.database\.url must be a postgres:\/\/ URL/,
  },
  {
    name: 'more in-sync replicas than replicas',
    valuesFiles: ['ci/default-values.yaml'],
    set: ['kafka.replicationFactor=1'],
    expect: /kafka\.minInsyncReplicas \(2\) must be from 1 to kafka\.replicationFactor \(1\)/,
  },
  { name: 'malformed broker list', valuesFiles: ['ci/default-values.yaml'], set: ['kafka.brokers=kafka'], expect: /kafka\.brokers/ },
  {
    name: 'an invalid dead-letter topic',
    valuesFiles: ['ci/default-values.yaml'],
    set: ['kafka.deadLetterTopic=no spaces allowed'],
    expect: /kafka\.deadLetterTopic/,
  },
  {
    name: 'no relay replica',
    valuesFiles: ['ci/default-values.yaml'],
    set: ['apps.relay.replicaCount=0'],
    expect: /apps\.relay\.replicaCount/,
  },
  {
    name: 'a Kafka SASL mechanism kafkajs does not speak',
    valuesFiles: ['ci/default-values.yaml'],
    set: ['kafka.sasl.mechanism=gssapi', 'kafka.sasl.existingSecret=kafka-credentials'],
    expect: /kafka\.sasl\.mechanism must be/,
  },
  {
    name: 'a Kafka SASL mechanism without the Secret of its credentials',
    valuesFiles: ['ci/default-values.yaml'],
    set: ['kafka.sasl.mechanism=scram-sha-512'],
    expect: /kafka\.sasl\.existingSecret/,
  },
  {
    name: 'a Kafka CA without TLS',
    valuesFiles: ['ci/default-values.yaml'],
    set: ['kafka.tls.caSecret=kafka-ca'],
    expect: /kafka\.tls\.caSecret needs kafka\.tls\.enabled/,
  },
  {
    name: 'grace period shorter than preStop sleep',
    valuesFiles: ['ci/default-values.yaml'],
    set: ['shutdown.preStopSleepSeconds=60'],
    expect: /terminationGracePeriodSeconds/,
  },
];
