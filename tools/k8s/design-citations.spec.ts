import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { citationsIn, docsMentionedIn, numberedGuarantees, outsideReferencesIn, readText, repositoryTextFiles } from './design-citations';

const ROOT = resolve(__dirname, '../..');
const DESIGN = 'docs/design.md';
// These two hold the patterns and their test cases.
const SELF = new Set(['tools/k8s/design-citations.ts', 'tools/k8s/design-citations.spec.ts']);

describe('citations of docs/design.md', () => {
  const guarantees = numberedGuarantees(readText(ROOT, DESIGN));
  const files = repositoryTextFiles(ROOT).filter((file) => !SELF.has(file));
  const texts = files.map((file) => ({ file, text: readText(ROOT, file) }));

  it('finds the numbered guarantees and the files to check', () => {
    expect([...guarantees]).toEqual(Array.from({ length: guarantees.size }, (_, index) => index + 1));
    expect(guarantees.size).toBeGreaterThanOrEqual(13);
    expect(files).toEqual(expect.arrayContaining(['libs/event-store/src/lib/event-store.sql.ts', 'apps/relay/README.md', DESIGN]));
  });

  it('every §N names a numbered guarantee of docs/design.md', () => {
    const cited = texts.flatMap(({ file, text }) => citationsIn(file, text));
    expect(cited.length).toBeGreaterThan(0);
    expect(cited.filter((citation) => !guarantees.has(citation.section))).toEqual([]);
  });

  it('nothing cites a document outside the repository', () => {
    expect(texts.flatMap(({ file, text }) => outsideReferencesIn(file, text))).toEqual([]);
  });

  it('every docs/*.md mentioned exists', () => {
    const mentioned = texts.flatMap(({ file, text }) => docsMentionedIn(file, text));
    expect(mentioned.length).toBeGreaterThan(0);
    expect(mentioned.filter(({ doc }) => !existsSync(join(ROOT, doc)))).toEqual([]);
  });

  describe('the checks themselves', () => {
    const design = [
      '# Design',
      '## The guarantees, and how each is kept',
      '1. **One.** text',
      '   2. not an item',
      '2. **Two.**',
      '## Later',
      '3. **Not a guarantee.**',
    ].join('\n');

    it('reads only the items of the guarantees section', () => {
      expect([...numberedGuarantees(design)]).toEqual([1, 2]);
      expect(numberedGuarantees('# no guarantees here').size).toBe(0);
    });

    it('finds single citations and ranges, with their line', () => {
      const text = '// first line\n// see docs/design.md §5 and §7–8, also §11-12\n';
      expect(citationsIn('a.ts', text).map(({ line, section }) => [line, section])).toEqual([
        [2, 5],
        [2, 7],
        [2, 8],
        [2, 11],
        [2, 12],
      ]);
    });

    it('reports a document beside the checkout and the upper-case names the repository does not use', () => {
      const text = [
        'ok: docs/design.md §5',
        `see ${['..', 'shared', 'DESIGN.md'].join('/')}`,
        `(${'DESIGN'} §11)`,
        `${'API'}.md: a float is 400`,
        'ok: docs/api.md, Access',
      ].join('\n');
      expect(outsideReferencesIn('a.ts', text).map(({ line }) => line)).toEqual([2, 3, 4]);
    });

    it('finds docs/*.md mentions', () => {
      expect(docsMentionedIn('a.md', 'see [x](../../docs/design.md) and docs/nothing.md').map(({ doc }) => doc)).toEqual([
        'docs/design.md',
        'docs/nothing.md',
      ]);
    });
  });
});
