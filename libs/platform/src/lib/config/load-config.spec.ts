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

  it('ignores variables the config does not declare', () => {
    expect(loadConfig(CommonConfig, { PATH: '/bin', HOME: '/root' })).not.toHaveProperty('PATH');
  });

  it('treats an empty variable as unset', () => {
    expect(loadConfig(AppConfig, { APP_PORT: '' }).APP_PORT).toBe(3000);
  });
});
