import { IsInt, Max, Min } from 'class-validator';
import { CommonConfig, KafkaConfig } from './common-config';
import { ConfigError, loadConfig } from './load-config';

class AppConfig extends KafkaConfig {
  @IsInt()
  @Min(1)
  @Max(65535)
  APP_PORT: number = 3000;
}

describe('loadConfig', () => {
  it('given an empty environment, then every default applies', () => {
    const config = loadConfig(AppConfig, {});
    expect(config).toMatchObject({
      APP_PORT: 3000,
      KAFKA_TOPIC: 'account-events',
      KAFKA_TOPIC_PARTITIONS: 12,
      KAFKA_REPLICATION_FACTOR: 1,
      KAFKA_MIN_INSYNC_REPLICAS: 1,
      LOG_LEVEL: 'info',
    });
    expect(config).toBeInstanceOf(AppConfig);
  });

  it('given numeric strings, then they become numbers', () => {
    expect(loadConfig(AppConfig, { APP_PORT: '8080', KAFKA_TOPIC_PARTITIONS: '3' })).toMatchObject({
      APP_PORT: 8080,
      KAFKA_TOPIC_PARTITIONS: 3,
    });
  });

  it('given malformed settings, then one error names every bad variable', () => {
    const attempt = () =>
      loadConfig(AppConfig, {
        APP_PORT: 'eighty',
        DATABASE_URL: 'mysql://db',
        KAFKA_BROKERS: 'no port',
        KAFKA_REPLICATION_FACTOR: '0',
        LOG_LEVEL: 'loud',
      });
    expect(attempt).toThrow(ConfigError);
    try {
      attempt();
    } catch (error) {
      const names = (error as ConfigError).problems.map((p) => p.split(':')[0]);
      expect(new Set(names)).toEqual(new Set(['APP_PORT', 'DATABASE_URL', 'KAFKA_BROKERS', 'KAFKA_REPLICATION_FACTOR', 'LOG_LEVEL']));
    }
  });

  it('given more in-sync replicas than replicas, then it names the setting', () => {
    expect(() => loadConfig(AppConfig, { KAFKA_REPLICATION_FACTOR: '3', KAFKA_MIN_INSYNC_REPLICAS: '2' })).not.toThrow();
    expect(() => loadConfig(AppConfig, { KAFKA_REPLICATION_FACTOR: '1', KAFKA_MIN_INSYNC_REPLICAS: '2' })).toThrow(
      /KAFKA_MIN_INSYNC_REPLICAS: must not exceed KAFKA_REPLICATION_FACTOR/,
    );
  });

  it('ignores variables the config does not declare', () => {
    expect(loadConfig(CommonConfig, { PATH: '/bin', HOME: '/root' })).not.toHaveProperty('PATH');
  });

  it('treats an empty variable as unset', () => {
    expect(loadConfig(AppConfig, { APP_PORT: '' }).APP_PORT).toBe(3000);
  });
});

describe('loadConfig of the Kafka security settings', () => {
  const problemsOf = (env: Record<string, string>): string[] => {
    try {
      loadConfig(KafkaConfig, env);
      return [];
    } catch (error) {
      return [...(error as ConfigError).problems];
    }
  };

  it('given nothing, then plaintext without SASL', () => {
    expect(loadConfig(KafkaConfig, {})).toMatchObject({ KAFKA_SSL: false, KAFKA_SSL_CA_FILE: '', KAFKA_SASL_MECHANISM: 'none' });
  });

  it('reads KAFKA_SSL as true or false, and refuses anything else', () => {
    expect(loadConfig(KafkaConfig, { KAFKA_SSL: 'true' }).KAFKA_SSL).toBe(true);
    expect(loadConfig(KafkaConfig, { KAFKA_SSL: 'false' }).KAFKA_SSL).toBe(false);
    expect(problemsOf({ KAFKA_SSL: 'yes' })).toEqual(['KAFKA_SSL: must be true or false']);
  });

  it('takes a CA file only with TLS on', () => {
    expect(loadConfig(KafkaConfig, { KAFKA_SSL: 'true', KAFKA_SSL_CA_FILE: '/etc/kafka/ca.pem' }).KAFKA_SSL_CA_FILE).toBe(
      '/etc/kafka/ca.pem',
    );
    expect(problemsOf({ KAFKA_SSL_CA_FILE: '/etc/kafka/ca.pem' })).toEqual(['KAFKA_SSL_CA_FILE: needs KAFKA_SSL=true']);
  });

  it('given a SASL mechanism, then it needs both the user name and the password, never echoing them', () => {
    const config = loadConfig(KafkaConfig, {
      KAFKA_SASL_MECHANISM: 'scram-sha-512',
      KAFKA_SASL_USERNAME: 'ledger',
      KAFKA_SASL_PASSWORD: 's3cret',
    });
    expect(config).toMatchObject({ KAFKA_SASL_MECHANISM: 'scram-sha-512', KAFKA_SASL_USERNAME: 'ledger', KAFKA_SASL_PASSWORD: 's3cret' });
    expect(problemsOf({ KAFKA_SASL_MECHANISM: 'scram-sha-256', KAFKA_SASL_USERNAME: 'ledger' })).toEqual([
      'KAFKA_SASL_PASSWORD: is required when KAFKA_SASL_MECHANISM is set',
    ]);
    const halfSet = problemsOf({ KAFKA_SASL_PASSWORD: 's3cret' });
    expect(halfSet).toEqual([expect.stringMatching(/^KAFKA_SASL_PASSWORD: is set but KAFKA_SASL_MECHANISM is not/)]);
    expect(halfSet.join()).not.toContain('s3cret');
  });

  it('refuses an unknown mechanism', () => {
    const problems = problemsOf({ KAFKA_SASL_MECHANISM: 'gssapi', KAFKA_SASL_USERNAME: 'a', KAFKA_SASL_PASSWORD: 'b' });
    expect(problems.map((p) => p.split(':')[0])).toEqual(['KAFKA_SASL_MECHANISM']);
  });
});
