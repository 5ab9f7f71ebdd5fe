import 'reflect-metadata';
import { getMetadataStorage, ValidationTypes } from 'class-validator';
import { ConfigError, loadConfig } from '@ledger/platform';

export interface ConfigSetting {
  /** The environment variable, which is the property's name. */
  readonly name: string;
  readonly hasDefault: boolean;
  /** Marked @IsOptional() (or @ValidateIf). */
  readonly optional: boolean;
  /** No default and not optional: a deployment must set it. */
  readonly required: boolean;
}

type ConfigClass = new () => object;

/**
 * The settings an app's config class declares, read from class-validator's metadata storage (its own
 * and inherited decorators), with defaults taken from a fresh instance: the same view loadConfig has.
 */
export function configSettingsOf(schema: ConfigClass): ConfigSetting[] {
  const metadatas = getMetadataStorage().getTargetValidationMetadatas(schema, '', true, false);
  const instance = new schema() as Record<string, unknown>;
  const names = [...new Set(metadatas.map((metadata) => metadata.propertyName))].sort();
  return names.map((name) => {
    const hasDefault = instance[name] !== undefined;
    const optional = metadatas.some(
      (metadata) => metadata.propertyName === name && metadata.type === ValidationTypes.CONDITIONAL_VALIDATION,
    );
    return { name, hasDefault, optional, required: !hasDefault && !optional };
  });
}

/**
 * Variables Node itself reads, which an operator may set for any app (extraEnv) without the app's
 * config class declaring them.
 */
export const NODE_RUNTIME_VARIABLES: readonly string[] = ['NODE_OPTIONS', 'NODE_ENV', 'NODE_EXTRA_CA_CERTS', 'TZ', 'UV_THREADPOOL_SIZE'];

/** One variable a deployment gives a container. */
export interface DeployedVariable {
  readonly name: string;
  /** The value, or undefined when it comes from a Secret the deployment does not create (its value is not known here). */
  readonly value: string | undefined;
}

/** The environment one container (or compose service) of a deployment gets, and where it was found. */
export interface DeployedEnvironment {
  /** e.g. `chart[ci/default-values.yaml] Deployment/ledger-command container command`. */
  readonly where: string;
  readonly variables: readonly DeployedVariable[];
}

/**
 * What is wrong with the environments a deployment gives an app, measured against the app's config
 * class: a required setting not set, a variable the app does not know (a typo, or a setting meant for
 * another app), and values loadConfig would refuse at boot.
 */
export function deployedEnvironmentProblems(schema: ConfigClass, environments: readonly DeployedEnvironment[]): string[] {
  const settings = configSettingsOf(schema);
  const known = new Set(settings.map((setting) => setting.name));
  return environments.flatMap(({ where, variables }) => {
    const set = new Set(variables.map((variable) => variable.name));
    const missing = settings
      .filter((setting) => setting.required && !set.has(setting.name))
      .map((setting) => `${where}: ${setting.name} is required by ${schema.name} and not set`);
    const unknown = variables
      .filter((variable) => !known.has(variable.name) && !NODE_RUNTIME_VARIABLES.includes(variable.name))
      .map((variable) => `${where}: sets ${variable.name}, which ${schema.name} does not declare`);
    return [...missing, ...unknown, ...refusedValues(schema, where, variables)];
  });
}

/** What loadConfig says about the values; a variable whose value comes from a Secret it cannot read is not judged. */
function refusedValues(schema: ConfigClass, where: string, variables: readonly DeployedVariable[]): string[] {
  const unread = new Set(variables.filter((variable) => variable.value === undefined).map((variable) => variable.name));
  const env = Object.fromEntries(
    variables.filter((variable) => !unread.has(variable.name)).map((variable) => [variable.name, variable.value]),
  );
  try {
    loadConfig(schema, env);
    return [];
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    return error.problems
      .filter((problem) => !unread.has(problem.split(':')[0] ?? ''))
      .map((problem) => `${where}: ${schema.name} refuses ${problem}`);
  }
}
