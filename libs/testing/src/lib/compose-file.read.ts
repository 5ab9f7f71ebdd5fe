import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { parseDocument } from 'yaml';

const repoRoot = resolve(__dirname, '../../../..');

export const COMPOSE_FILE = join(repoRoot, 'docker/compose.yaml');

export interface ComposeService {
  readonly image?: string;
  readonly build?: { readonly context?: string; readonly dockerfile?: string; readonly args?: Record<string, string> };
  readonly command?: string | readonly string[];
  readonly environment?: Record<string, string | number | boolean | null> | readonly string[];
  readonly depends_on?: readonly string[] | Record<string, { readonly condition?: string }>;
  readonly healthcheck?: { readonly test?: unknown; readonly disable?: boolean };
  readonly [field: string]: unknown;
}

export interface ComposeFile {
  readonly name?: string;
  readonly services: Record<string, ComposeService>;
  readonly [field: string]: unknown;
}

/** docker/compose.yaml parsed, YAML merge keys (`<<: *anchor`) applied, as Compose itself reads it. */
export function readComposeFile(file: string = COMPOSE_FILE): ComposeFile {
  const document = parseDocument(readFileSync(file, 'utf8'), { merge: true });
  if (document.errors.length > 0) throw new Error(`${file}: ${document.errors.map((error) => error.message).join('; ')}`);
  return document.toJS() as ComposeFile;
}

const VARIABLE = /\$(?:\$|\{([A-Za-z_][A-Za-z0-9_]*)(?:(:?[-?])([^}]*))?\}|([A-Za-z_][A-Za-z0-9_]*))/g;

/**
 * Compose's variable interpolation: `${NAME}`, `$NAME`, `${NAME:-default}`, `${NAME-default}`,
 * `${NAME:?error}`, and `$$` for a literal `$`. `shell` stands for the shell or .env file.
 */
export function interpolate(text: string, shell: Record<string, string | undefined> = {}): string {
  return text.replace(VARIABLE, (match, braced?: string, operator?: string, operand?: string, bare?: string) => {
    if (match === '$$') return '$';
    const name = braced ?? bare ?? '';
    const value = shell[name];
    const unset = operator?.startsWith(':') ? value === undefined || value === '' : value === undefined;
    if (operator?.endsWith('-')) return unset ? (operand ?? '') : (value ?? '');
    if (operator?.endsWith('?') && unset) throw new Error(`${name} is required: ${operand}`);
    return value ?? '';
  });
}

/** A service's environment as name -> value, interpolated; a name listed without a value is taken from the shell. */
export function composeEnvironment(service: ComposeService, shell: Record<string, string | undefined> = {}): Record<string, string> {
  const entries: Array<[string, string]> = Array.isArray(service.environment)
    ? (service.environment as readonly string[]).map((entry) => {
        const at = entry.indexOf('=');
        return at < 0 ? [entry, shell[entry] ?? ''] : [entry.slice(0, at), entry.slice(at + 1)];
      })
    : Object.entries(service.environment ?? {}).map(([name, value]) => [name, value === null ? (shell[name] ?? '') : String(value)]);
  return Object.fromEntries(entries.map(([name, value]) => [name, interpolate(value, shell)]));
}

/** The services built from this repository's Dockerfile for an app (`build.args.APP`): the app itself and its migration. */
export function composeServicesOfApp(compose: ComposeFile, app: string): Array<[string, ComposeService]> {
  return Object.entries(compose.services).filter(([, service]) => service.build?.args?.['APP'] === app);
}
