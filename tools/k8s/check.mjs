#!/usr/bin/env node
// npm run k8s:check: the deployment checks that `npm test` also runs, without the rest of the suite.
//   - the `deploy` project (tools/k8s): helm lint --strict and helm template of every values file in
//     k8s/ledger/ci, every manifest validated with kubernetes-models, the semantic rules, renders that
//     must fail, the compose file, values.yaml documentation, the dashboard and the alerts;
//   - each app's <app>.deployment.spec.ts: the chart and compose set what its config class requires
//     and nothing it does not declare.
// helm comes from an npm package (see libs/testing/src/lib/helm-chart.render.ts), unpacked once into
// tools/.local/k8s/bin.
import { spawnSync } from 'node:child_process';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const args = [
  'nx',
  'run-many',
  '-t',
  'test',
  '-p',
  'deploy',
  'command',
  'query',
  'relay',
  'projector',
  '--outputStyle=stream',
  '--',
  '--testPathPatterns',
  '(tools/k8s/|\\.deployment\\.spec\\.ts$)',
];
// Colour only on a terminal: Nx runs the tests in a pseudo-terminal, so they would colour a log file too.
const colour = process.stdout.isTTY ? {} : { FORCE_COLOR: '0' };
const env = { ...process.env, NX_DAEMON: 'false', NX_NO_CLOUD: 'true', ...colour };
const result = spawnSync('npx', args, { cwd: root, stdio: 'inherit', env });
process.exit(result.status ?? 1);
