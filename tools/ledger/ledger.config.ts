import { CommonConfig, ConfigError, loadConfig } from '@ledger/platform';
import { IsOptional, IsString, Matches, MaxLength } from 'class-validator';

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

/** The configuration from `env`, or null once what is wrong with it has been printed (exit with EXIT.config). */
export function ledgerConfigOrReport(env: NodeJS.ProcessEnv, report: (message: string) => void): LedgerConfig | null {
  try {
    return loadConfig(LedgerConfig, env);
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    report(error.message);
    return null;
  }
}
