import 'reflect-metadata';
import { createHttpApp, listen, loadConfigOrExit, runMain } from '@ledger/platform';
import { AppModule } from './app.module';
import { CommandConfig } from './command.config';

async function main(): Promise<void> {
  const config = loadConfigOrExit(CommandConfig);
  const app = await createHttpApp(AppModule.register(config));
  await listen(app, config.COMMAND_PORT, 'command');
}

runMain(main);
