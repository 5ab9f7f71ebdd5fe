import { readdirSync, readFileSync, statSync } from 'node:fs';
import { extname, join, relative, sep } from 'node:path';

/**
 * Comments and docs cite a guarantee of docs/design.md as `docs/design.md §N` (or a range, `§7–8`).
 * The design lives in the repository, so a citation that names no guarantee there, or a document
 * outside the checkout, sends a reader nowhere.
 */

/** Where a citation or a reference was found: a path relative to the repository and a 1-based line. */
export interface Place {
  readonly file: string;
  readonly line: number;
  readonly text: string;
}

export interface Citation extends Place {
  readonly section: number;
}

const GUARANTEES_HEADING = /^## The guarantees\b.*$/m;

/** The numbers of the guarantees list in docs/design.md: `N. **...` items under its guarantees heading. */
export function numberedGuarantees(design: string): ReadonlySet<number> {
  const heading = GUARANTEES_HEADING.exec(design);
  if (!heading) return new Set();
  const rest = design.slice(heading.index + heading[0].length);
  const next = /^## /m.exec(rest);
  const section = next ? rest.slice(0, next.index) : rest;
  return new Set([...section.matchAll(/^(\d+)\. \*\*/gm)].map((match) => Number(match[1])));
}

/** Every `§N` and `§N–M` (en dash or hyphen) in a text, a range as each number in it. */
export function citationsIn(file: string, text: string): Citation[] {
  const citations: Citation[] = [];
  text.split('\n').forEach((line, index) => {
    for (const match of line.matchAll(/§\s*(\d+)(?:\s*[–-]\s*(\d+))?/g)) {
      const from = Number(match[1]);
      const to = match[2] === undefined ? from : Number(match[2]);
      for (let section = from; section <= Math.max(from, to); section++) {
        citations.push({ file, line: index + 1, text: line.trim(), section });
      }
    }
  });
  return citations;
}

const OUTSIDE = [
  // A folder beside the checkout.
  /\.\.\/shared\b/,
  // The design and the contract under names the repository does not have (they are docs/design.md, docs/api.md).
  /\b(DESIGN|API)(\.md|\s*§)/,
];

/** Lines that point at a document outside the repository. */
export function outsideReferencesIn(file: string, text: string): Place[] {
  return text
    .split('\n')
    .flatMap((line, index) => (OUTSIDE.some((pattern) => pattern.test(line)) ? [{ file, line: index + 1, text: line.trim() }] : []));
}

/** `docs/<name>.md` mentioned in a text, whether or not it exists. */
export function docsMentionedIn(file: string, text: string): (Place & { readonly doc: string })[] {
  return text
    .split('\n')
    .flatMap((line, index) =>
      [...line.matchAll(/\bdocs\/[\w.-]+\.md\b/g)].map((match) => ({ file, line: index + 1, text: line.trim(), doc: match[0] })),
    );
}

const SKIPPED_DIRECTORIES = new Set(['node_modules', '.git', '.nx', '.local', '.cache', 'dist', 'tmp', 'out-tsc', 'coverage']);
const SKIPPED_FILES = new Set(['package-lock.json']);
const TEXT_EXTENSIONS = new Set([
  '.ts',
  '.mts',
  '.cts',
  '.js',
  '.mjs',
  '.cjs',
  '.json',
  '.md',
  '.yaml',
  '.yml',
  '.tpl',
  '.sh',
  '.sql',
  '.conf',
  '',
]);

/** The repository's own text files (sources, docs, charts, compose, Dockerfiles), as paths relative to root. */
export function repositoryTextFiles(root: string, dir = root): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return SKIPPED_DIRECTORIES.has(entry.name) ? [] : repositoryTextFiles(root, path);
    if (!entry.isFile() || SKIPPED_FILES.has(entry.name) || !TEXT_EXTENSIONS.has(extname(entry.name))) return [];
    if (statSync(path).size > 1_000_000) return [];
    return [relative(root, path).split(sep).join('/')];
  });
}

export function readText(root: string, file: string): string {
  return readFileSync(join(root, file), 'utf8');
}
