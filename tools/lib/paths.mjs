// Where the local stack keeps its files. Everything under tools/.local is git-ignored and disposable.
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

export const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');
export const toolsDir = join(repoRoot, 'tools');
export const localDir = join(toolsDir, '.local');

export const kafkaPaths = {
  pom: join(toolsDir, 'kafka', 'pom.xml'),
  propertiesTemplate: join(toolsDir, 'kafka', 'server.properties'),
  brokerLogConfig: join(toolsDir, 'kafka', 'log4j2.xml'),
  toolsLogConfig: join(toolsDir, 'kafka', 'log4j2-tools.xml'),
  home: join(localDir, 'kafka'),
  libs: join(localDir, 'kafka', 'libs'),
  data: join(localDir, 'kafka', 'data'),
  properties: join(localDir, 'kafka', 'server.properties'),
  serverLog: join(localDir, 'kafka', 'server.log'),
  pidFile: join(localDir, 'kafka', 'kafka.pid'),
  startLock: join(localDir, 'kafka', 'start.lock'),
  mavenRepo: join(localDir, 'm2'),
};

export const postgresPaths = {
  home: join(localDir, 'postgres'),
  data: join(localDir, 'postgres', 'data'),
  serverLog: join(localDir, 'postgres', 'server.log'),
  pidFile: join(localDir, 'postgres', 'postgres.pid'),
  startLock: join(localDir, 'postgres', 'start.lock'),
};

export const issuerPaths = {
  entry: join(toolsDir, 'oidc-issuer', 'oidc-issuer.mjs'),
  home: join(localDir, 'oidc-issuer'),
  serverLog: join(localDir, 'oidc-issuer', 'issuer.log'),
  pidFile: join(localDir, 'oidc-issuer', 'issuer.pid'),
  startLock: join(localDir, 'oidc-issuer', 'start.lock'),
};

export const appLogsDir = join(localDir, 'logs');
