import 'reflect-metadata';
import { createHttpApp, listen, loadConfigOrExit, runMain } from '@ledger/platform';
import { AppModule } from './app.module';
import { QueryConfig } from './query.config';

async function main(): Promise<void> {
  const config = loadConfigOrExit(QueryConfig);
  const app = await createHttpApp(AppModule.register(config));
  await listen(app, config.QUERY_PORT, 'query');
}

runMain(main);
