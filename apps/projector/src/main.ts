import 'reflect-metadata';
import { createHttpApp, listen, loadConfigOrExit, runMain } from '@ledger/platform';
import { AppModule } from './app.module';
import { ProjectorConfig } from './projector.config';

async function main(): Promise<void> {
  const config = loadConfigOrExit(ProjectorConfig);
  const app = await createHttpApp(AppModule.register(config));
  await listen(app, config.PROJECTOR_PORT, 'projector');
}

runMain(main);
