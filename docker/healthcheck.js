// Container HEALTHCHECK: exit 0 when the app answers GET /health/ready with 2xx.
// The port is the app's own <APP>_PORT when overridden at run time, else the one baked in at build.
const app = (process.env.LEDGER_APP || '').toUpperCase();
const port = process.env[`${app}_PORT`] || process.env.LEDGER_HTTP_PORT;

fetch(`http://127.0.0.1:${port}/health/ready`, { signal: AbortSignal.timeout(2500) })
  .then((response) => process.exit(response.ok ? 0 : 1))
  .catch(() => process.exit(1));
