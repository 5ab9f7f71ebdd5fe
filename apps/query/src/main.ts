import './tracing';
import 'reflect-metadata';
import { createHttpApp, listen, loadConfigOrExit, runMain } from '@ledger/platform';
import { AppModule } from './app.module';
import { setupOpenApi } from './edge/open-api';
import { QueryConfig } from './query.config';

async function main(): Promise<void> {
  const config = loadConfigOrExit(QueryConfig);
  const app = await createHttpApp(AppModule.register(config));
  setupOpenApi(app, config.SERVICE_VERSION, config.OIDC_ISSUER);
  await listen(app, config.QUERY_PORT, 'query');
}

runMain(main);
