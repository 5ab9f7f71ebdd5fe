import { existsSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { COMPOSE_FILE, type ComposeFile, type ComposeService, composeEnvironment } from '@ledger/testing';

/** What the chart says about the apps, for compose to agree with. */
export interface ChartFacts {
  /** Each app's HTTP port (apps.<app>.port). */
  readonly ports: Record<string, number>;
  /** The apps whose image the migration Job runs. */
  readonly migratingApps: readonly string[];
}

const commandOf = (service: ComposeService) => (Array.isArray(service.command) ? service.command.join(' ') : (service.command ?? ''));
const isMigration = (service: ComposeService) => commandOf(service) === 'node main.js migrate';

function dependencyProblems(name: string, service: ComposeService, services: Record<string, ComposeService>): string[] {
  const dependencies = Array.isArray(service.depends_on)
    ? Object.fromEntries((service.depends_on as string[]).map((dependency) => [dependency, {}]))
    : (service.depends_on ?? {});
  return Object.entries(dependencies as Record<string, { condition?: string }>).flatMap(([dependency, { condition }]) => {
    const target = services[dependency];
    if (!target) return [`${name}: depends on unknown service ${dependency}`];
    if (condition === 'service_healthy' && !target.healthcheck?.test)
      return [`${name}: waits for ${dependency} to be healthy, which has no healthcheck`];
    if (condition === 'service_completed_successfully' && target['restart'] !== 'no')
      return [`${name}: waits for ${dependency} to complete, which restarts`];
    return [];
  });
}

function appServiceProblems(name: string, service: ComposeService, ports: ChartFacts['ports'], composeFile: string): string[] {
  const app = service.build?.args?.['APP'] ?? '';
  const port = ports[app];
  if (port === undefined) return [`${name}: build arg APP=${app} is not an app of the chart`];
  const problems: string[] = [];
  if (Number(service.build?.args?.['PORT']) !== port)
    problems.push(`${name}: build arg PORT=${service.build?.args?.['PORT']}, ${app} listens on ${port}`);
  if (!existsSync(resolve(dirname(composeFile), service.build?.context ?? '.', service.build?.dockerfile ?? 'Dockerfile')))
    problems.push(`${name}: Dockerfile not found`);
  if (!isMigration(service)) {
    const env = composeEnvironment(service);
    if (Number(env[`${app.toUpperCase()}_PORT`]) !== port)
      problems.push(`${name}: ${app.toUpperCase()}_PORT is ${env[`${app.toUpperCase()}_PORT`]}, not ${port}`);
    if (!service.healthcheck?.test) problems.push(`${name}: no healthcheck`);
  }
  return problems;
}

/**
 * What the compose-spec schema cannot say about docker/compose.yaml: dependencies that exist and can
 * be met, every app (and the two migrations) built from the Dockerfile with the port the chart gives it.
 */
export function composeProblems(compose: ComposeFile, chart: ChartFacts, composeFile: string = COMPOSE_FILE): string[] {
  const { ports } = chart;
  const services = compose.services;
  const built = Object.entries(services).filter(([, service]) => service.build);
  const appsServed = new Set(built.filter(([, service]) => !isMigration(service)).map(([, service]) => service.build?.args?.['APP']));
  const appsMigrated = new Set(built.filter(([, service]) => isMigration(service)).map(([, service]) => service.build?.args?.['APP']));
  return [
    ...Object.entries(services).flatMap(([name, service]) => [
      ...(service.image || service.build ? [] : [`${name}: neither image nor build`]),
      ...dependencyProblems(name, service, services),
    ]),
    ...built.flatMap(([name, service]) => appServiceProblems(name, service, ports, composeFile)),
    ...Object.keys(ports)
      .filter((app) => !appsServed.has(app))
      .map((app) => `no service runs ${app}`),
    ...chart.migratingApps.filter((app) => !appsMigrated.has(app)).map((app) => `no service runs the ${app} image's migrations`),
  ];
}
