import './tracing';
import 'reflect-metadata';
import { createHttpApp, listen, loadConfigOrExit, runMain } from '@ledger/platform';
import { AppModule } from './app.module';
import { RelayConfig } from './relay.config';

async function main(): Promise<void> {
  const config = loadConfigOrExit(RelayConfig);
  const app = await createHttpApp(AppModule.register(config));
  await listen(app, config.RELAY_PORT, 'relay');
}

runMain(main);
