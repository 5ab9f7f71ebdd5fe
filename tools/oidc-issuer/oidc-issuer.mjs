#!/usr/bin/env node
// The development OpenID Connect issuer (oidc-provider, in memory) that the local stack and the tests use:
//   node tools/oidc-issuer/oidc-issuer.mjs [--port <n>]     (default $OIDC_ISSUER_PORT, else 3005; 0: any free port)
// Listens on 127.0.0.1 only and prints its issuer URL, one line on stdout, once it answers. Never deployed.
//
// Besides the provider's own endpoints (discovery at /.well-known/openid-configuration, /jwks, /token):
//   POST /dev/rotate-keys   sign from now on with a new key (new kid); the JWKS keeps the old ones
import { once } from 'node:events';
import { createServer } from 'node:http';
import { parseArgs } from 'node:util';
import { DEFAULT_PORT } from './issuer.constants.mjs';
import { createProvider, newSigningKey } from './issuer.provider.mjs';

const ROTATE_PATH = '/dev/rotate-keys';

function portFromArguments() {
  const { values } = parseArgs({ options: { port: { type: 'string' } }, strict: true });
  const text = values.port ?? process.env.OIDC_ISSUER_PORT ?? String(DEFAULT_PORT);
  const port = /^\d{1,5}$/.test(text) ? Number(text) : Number.NaN;
  if (!(port >= 0 && port <= 65_535)) throw new Error(`--port must be an integer from 0 to 65535, got ${JSON.stringify(text)}`);
  return port;
}

function sendJson(res, status, body) {
  res.writeHead(status, { 'content-type': 'application/json', 'cache-control': 'no-store' });
  res.end(JSON.stringify(body));
}

async function main() {
  const port = portFromArguments();
  let keys = [newSigningKey()];
  let handle; // the current provider's request handler; replaced whole on rotation

  // A provider's keystore is fixed when it is built, so a rotation builds a new one behind the same
  // listener: the clients are static and the JWT access tokens are not stored, so nothing is lost.
  const rotate = (req, res) => {
    if (req.method !== 'POST') return sendJson(res, 405, { error: 'method_not_allowed' });
    keys = [newSigningKey(), ...keys];
    handle = createProvider(issuer, keys).callback();
    console.error(`oidc-issuer: now signing with kid ${keys[0].kid} (${keys.length} keys published)`);
    return sendJson(res, 200, { kid: keys[0].kid, kids: keys.map((key) => key.kid) });
  };

  const server = createServer((req, res) => {
    if (new URL(req.url ?? '/', 'http://localhost').pathname === ROTATE_PATH) return rotate(req, res);
    return handle(req, res);
  });
  // Idle connections outlive any client's keep-alive (undici closes its own after 4 s), as Fastify's
  // 72 s default does for the apps: a server closing first races a client reusing the socket, which
  // then fails with "other side closed".
  server.keepAliveTimeout = 72_000;
  server.headersTimeout = 73_000;
  server.listen(port, '127.0.0.1');
  await once(server, 'listening');
  const issuer = `http://127.0.0.1:${server.address().port}`;
  // Set before this turn ends, so before any request is read.
  handle = createProvider(issuer, keys).callback();

  const stop = () => {
    server.close(() => process.exit(0));
    server.closeAllConnections();
  };
  process.once('SIGTERM', stop);
  process.once('SIGINT', stop);
  console.log(issuer);
}

main().catch((error) => {
  console.error(`oidc-issuer: ${error.message}`);
  process.exit(1);
});
