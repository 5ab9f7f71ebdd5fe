// What clients of the development issuer need to know. libs/testing and the ops CLI's `token` command
// spell the same values: keep them in step.

/** The resource server the access tokens are for: the command and query services. */
export const LEDGER_RESOURCE = 'urn:ledger';
export const LEDGER_AUDIENCE = 'ledger';
export const LEDGER_SCOPES = ['ledger:read', 'ledger:write', 'ledger:operate'];

/** Tokens for any subject, for local runs and tests: accepted from the development client only. */
export const DEVELOPMENT_GRANT = 'urn:ledger:grant-type:development-token';

export const SIGNING_ALG = 'ES256';
export const DEFAULT_PORT = 3005;
export const DEFAULT_TTL_SECONDS = 3600;
export const MAX_TTL_SECONDS = 86_400;
export const DEFAULT_DEVELOPMENT_SCOPE = 'ledger:read ledger:write';

/**
 * The statically registered clients. The secrets are development values, public on purpose: this issuer
 * binds to 127.0.0.1 and is never deployed.
 */
export const CLIENTS = [
  { client_id: 'ledger-dev', client_secret: 'ledger-dev-secret', grant_types: [DEVELOPMENT_GRANT] },
  { client_id: 'ledger-ops', client_secret: 'ledger-ops-secret', grant_types: ['client_credentials'] },
  { client_id: 'ledger-bench', client_secret: 'ledger-bench-secret', grant_types: ['client_credentials'] },
];
