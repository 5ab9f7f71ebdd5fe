import './tracing';
import 'reflect-metadata';
import { DocumentBuilder, SwaggerModule } from '@nestjs/swagger';
import { describeSecurity } from '@ledger/auth';
import { EVENT_STORE_MIGRATIONS_TABLE, eventStoreMigrations } from '@ledger/event-store';
import { createHttpApp, listen, loadConfigOrExit, migrateAndReport, runMain } from '@ledger/platform';
import { AppModule } from './app.module';
import { CommandConfig } from './command.config';

function migrate(config: CommandConfig): Promise<void> {
  return migrateAndReport('event store', {
    url: config.DATABASE_URL,
    migrations: eventStoreMigrations,
    tableName: EVENT_STORE_MIGRATIONS_TABLE,
  });
}

async function serve(config: CommandConfig): Promise<void> {
  const app = await createHttpApp(AppModule.register(config));
  const openApi = describeSecurity(new DocumentBuilder(), config.OIDC_ISSUER)
    .setTitle('Ledger command API')
    .setDescription('Commands on bank accounts. Money is an integer number of minor units.')
    .setVersion(config.SERVICE_VERSION)
    .build();
  SwaggerModule.setup('docs', app, () => SwaggerModule.createDocument(app, openApi));
  await listen(app, config.COMMAND_PORT, 'command');
}

runMain(async () => {
  const config = loadConfigOrExit(CommandConfig);
  await (process.argv[2] === 'migrate' ? migrate(config) : serve(config));
});
