import './tracing';
import 'reflect-metadata';
import { EVENT_STORE_MIGRATIONS_TABLE, eventStoreMigrations } from '@ledger/event-store';
import { createHttpApp, listen, loadConfigOrExit, migrateAndReport, runMain } from '@ledger/platform';
import { AppModule } from './app.module';
import { CommandConfig } from './command.config';
import { setupOpenApi } from './edge/open-api';

function migrate(config: CommandConfig): Promise<void> {
  return migrateAndReport('event store', {
    url: config.DATABASE_URL,
    migrations: eventStoreMigrations,
    tableName: EVENT_STORE_MIGRATIONS_TABLE,
  });
}

async function serve(config: CommandConfig): Promise<void> {
  const app = await createHttpApp(AppModule.register(config));
  setupOpenApi(app, config.SERVICE_VERSION, config.OIDC_ISSUER);
  await listen(app, config.COMMAND_PORT, 'command');
}

runMain(async () => {
  const config = loadConfigOrExit(CommandConfig);
  await (process.argv[2] === 'migrate' ? migrate(config) : serve(config));
});
