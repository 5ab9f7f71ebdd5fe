import { CommonConfig, ConfigError, loadConfig } from '@ledger/platform';
import { IsOptional, IsString, IsUrl, Matches, MaxLength } from 'class-validator';

/** The ops CLI's settings, read once from the environment and validated before any command runs. */
export class LedgerConfig extends CommonConfig {
  /** The event store's database when it is not the read model's (heal and rebuild read it). */
  @IsOptional()
  @Matches(/^postgres(ql)?:\/\/\S+$/, { message: 'must be a postgres:// URL' })
  EVENT_STORE_DATABASE_URL: string | undefined = undefined;

  /** Who is at the keyboard: recorded with every action unless --actor names someone. */
  @IsOptional()
  @IsString()
  @MaxLength(100)
  USER: string | undefined = undefined;

  eventStoreUrl(): string {
    return this.EVENT_STORE_DATABASE_URL ?? this.DATABASE_URL;
  }
}

/** What `token` needs: no database, only the development issuer. */
export class IssuerConfig {
  @IsUrl({ protocols: ['http', 'https'], require_protocol: true, require_tld: false }, { message: 'must be an http(s) URL' })
  OIDC_ISSUER: string = 'http://127.0.0.1:3005';
}

/** The configuration from `env`, or null once what is wrong with it has been printed (exit with EXIT.config). */
export function ledgerConfigOrReport(env: NodeJS.ProcessEnv, report: (message: string) => void): LedgerConfig | null {
  return configOrReport(LedgerConfig, env, report);
}

export function configOrReport<T extends object>(schema: new () => T, env: NodeJS.ProcessEnv, report: (message: string) => void): T | null {
  try {
    return loadConfig(schema, env);
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    report(error.message);
    return null;
  }
}
