import { startTracing } from '@ledger/tracing';

// Imported by the first line of main.ts: the instrumented modules (http, pg) must load after it.
startTracing('command');
