import './tracing';
import 'reflect-metadata';
import { READ_MODEL_MIGRATIONS_TABLE, readModelMigrations } from '@ledger/read-model-schema';
import { createHttpApp, listen, loadConfigOrExit, migrateAndReport, runMain } from '@ledger/platform';
import { AppModule } from './app.module';
import { connectPartitionBatches } from './kafka/kafka-batch.transport';
import { ProjectorConfig } from './projector.config';

function migrate(config: ProjectorConfig): Promise<void> {
  return migrateAndReport('read model', {
    url: config.DATABASE_URL,
    migrations: readModelMigrations,
    tableName: READ_MODEL_MIGRATIONS_TABLE,
  });
}

async function serve(config: ProjectorConfig): Promise<void> {
  const app = await createHttpApp(AppModule.register(config));
  connectPartitionBatches(app);
  await listen(app, config.PROJECTOR_PORT, 'projector');
  await app.startAllMicroservices();
}

runMain(async () => {
  const config = loadConfigOrExit(ProjectorConfig);
  await (process.argv[2] === 'migrate' ? migrate(config) : serve(config));
});
