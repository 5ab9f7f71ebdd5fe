import './tracing';
import 'reflect-metadata';
import { createHttpApp, listen, loadConfigOrExit, runMain } from '@ledger/platform';
import { AppModule } from './app.module';
import { RelayService } from './relay/relay.service';
import { RELAY_HALTED_EXIT_CODE, RelayConfig } from './relay.config';

async function main(): Promise<void> {
  const config = loadConfigOrExit(RelayConfig);
  const app = await createHttpApp(AppModule.register(config));
  await listen(app, config.RELAY_PORT, 'relay');
  // A halted relay exits rather than idling unready: on Kubernetes the pod goes to CrashLoopBackOff with
  // the reason in its last log lines, and every restart checks again (docs/design.md, relay).
  void app
    .get(RelayService)
    .whenHalted()
    .then(async () => {
      // The exit code is the message: a failing shutdown must not turn it into a crash's code 1.
      await app.close().catch(() => undefined);
      process.exit(RELAY_HALTED_EXIT_CODE);
    });
}

runMain(main);
