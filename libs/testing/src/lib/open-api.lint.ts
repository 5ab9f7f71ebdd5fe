import { execFile } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';

const repoRoot = resolve(__dirname, '../../../..');

export type LintSeverity = 'error' | 'warning' | 'info' | 'hint';

export interface LintFinding {
  readonly linter: 'redocly' | 'spectral';
  readonly severity: LintSeverity;
  readonly rule: string;
  readonly message: string;
  /** A JSON pointer (Redocly) or path (Spectral) into the document. */
  readonly at: string;
}

export interface OpenApiLintReport {
  /** Where the linted document was written, under `tmp/openapi/`. */
  readonly file: string;
  /** Each linter's exit code: non-zero when it found an error. */
  readonly exitCodes: { readonly redocly: number; readonly spectral: number };
  readonly findings: readonly LintFinding[];
}

interface Run {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

function binOf(pkg: string, bin: string): string {
  const manifest = require.resolve(`${pkg}/package.json`, { paths: [repoRoot] });
  const bins = (require(manifest) as { bin: Record<string, string> }).bin;
  return join(dirname(manifest), bins[bin] ?? '');
}

function run(script: string, args: readonly string[]): Promise<Run> {
  return new Promise((done) => {
    execFile(
      process.execPath,
      [script, ...args],
      {
        cwd: repoRoot,
        maxBuffer: 64 * 1024 * 1024,
        // Nothing leaves the machine: no telemetry, no update check.
        env: { ...process.env, REDOCLY_TELEMETRY: 'off', REDOCLY_SUPPRESS_UPDATE_NOTICE: 'true', NO_COLOR: '1' },
      },
      (error, stdout, stderr) => done({ code: error ? (typeof error.code === 'number' ? error.code : 1) : 0, stdout, stderr }),
    );
  });
}

/** `<linter> lint <file> --format json` and the linter's own options: both CLIs take the same form. */
function lint(script: string, file: string, options: readonly string[]): Promise<Run> {
  return run(script, ['lint', file, '--format', 'json', ...options]);
}

/** Parses a linter's JSON report; anything else it printed (a crash, a config error) fails loudly with its output. */
function parsed<T>(linter: string, result: Run): T {
  const start = result.stdout.search(/[[{]/);
  try {
    return JSON.parse(result.stdout.slice(start)) as T;
  } catch {
    throw new Error(`${linter} gave no JSON report (exit ${result.code}):\n${result.stdout}\n${result.stderr}`);
  }
}

interface RedoclyReport {
  readonly problems: readonly {
    readonly ruleId: string;
    readonly severity: 'error' | 'warn';
    readonly message: string;
    readonly location: readonly { readonly pointer?: string }[];
  }[];
}

async function redocly(file: string): Promise<{ code: number; findings: LintFinding[] }> {
  const result = await lint(binOf('@redocly/cli', 'redocly'), file, ['--config', join(repoRoot, 'redocly.yaml'), '--max-problems', '1000']);
  const report = parsed<RedoclyReport>('redocly', result);
  const findings = report.problems.map(
    (problem): LintFinding => ({
      linter: 'redocly',
      severity: problem.severity === 'warn' ? 'warning' : 'error',
      rule: problem.ruleId,
      message: problem.message,
      at: problem.location[0]?.pointer ?? '',
    }),
  );
  return { code: result.code, findings };
}

const SPECTRAL_SEVERITIES: readonly LintSeverity[] = ['error', 'warning', 'info', 'hint'];

interface SpectralFinding {
  readonly code: string;
  readonly message: string;
  readonly path: readonly (string | number)[];
  readonly severity: number;
}

async function spectral(file: string): Promise<{ code: number; findings: LintFinding[] }> {
  const result = await lint(binOf('@stoplight/spectral-cli', 'spectral'), file, ['--ruleset', join(repoRoot, '.spectral.yaml'), '--quiet']);
  const report = result.stdout.trim() === '' && result.code === 0 ? [] : parsed<SpectralFinding[]>('spectral', result);
  const findings = report.map(
    (finding): LintFinding => ({
      linter: 'spectral',
      severity: SPECTRAL_SEVERITIES[finding.severity] ?? 'error',
      rule: finding.code,
      message: finding.message,
      at: finding.path.join('.'),
    }),
  );
  return { code: result.code, findings };
}

/**
 * Writes an OpenAPI document to `tmp/openapi/<name>.json` and lints it as the project does: Redocly's
 * recommended rules (redocly.yaml) and Spectral's OpenAPI and OWASP rules (.spectral.yaml).
 */
export async function lintOpenApiDocument(name: string, document: unknown): Promise<OpenApiLintReport> {
  const file = join(repoRoot, 'tmp/openapi', `${name}.json`);
  mkdirSync(dirname(file), { recursive: true });
  writeFileSync(file, `${JSON.stringify(document, null, 2)}\n`);
  const [byRedocly, bySpectral] = await Promise.all([redocly(file), spectral(file)]);
  return {
    file,
    exitCodes: { redocly: byRedocly.code, spectral: bySpectral.code },
    findings: [...byRedocly.findings, ...bySpectral.findings],
  };
}

/** One line per finding, for a failing test's message. */
export function describeFindings(findings: readonly LintFinding[]): string {
  return findings.map((f) => `${f.linter} ${f.severity} ${f.rule} at ${f.at}: ${f.message}`).join('\n');
}
