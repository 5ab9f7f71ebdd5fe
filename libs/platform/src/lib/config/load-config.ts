import 'reflect-metadata';
import { plainToInstance } from 'class-transformer';
import { validateSync, ValidationError } from 'class-validator';

export class ConfigError extends Error {
  constructor(readonly problems: readonly string[]) {
    super(`Invalid configuration:\n  - ${problems.join('\n  - ')}`);
    this.name = 'ConfigError';
  }
}

function describe(errors: readonly ValidationError[]): string[] {
  return errors.flatMap((error) => Object.values(error.constraints ?? {}).map((message) => `${error.property}: ${message}`));
}

/**
 * Reads the environment once, at boot, into a validated, typed config object. Property names are the
 * variable names; defaults are the class's initialisers. A missing or malformed setting throws a
 * ConfigError naming every bad variable, so the app stops before it serves anything.
 */
export function loadConfig<T extends object>(schema: new () => T, env: Record<string, string | undefined> = process.env): T {
  const known = Object.keys(new schema());
  const present = Object.fromEntries(known.filter((key) => env[key] !== undefined && env[key] !== '').map((key) => [key, env[key]]));
  const config = plainToInstance(schema, present, { enableImplicitConversion: true, exposeDefaultValues: true });
  const problems = describe(validateSync(config, { forbidUnknownValues: true }));
  if (problems.length > 0) throw new ConfigError(problems);
  return config;
}
