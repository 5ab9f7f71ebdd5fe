import { writeFileSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CHART_DIR } from '@ledger/testing';
import { undocumentedValues } from './values-documentation';

describe('k8s/ledger/values.yaml', () => {
  const valuesFile = join(CHART_DIR, 'values.yaml');

  it('documents every value with a comment (on the value, or on a block without comments inside)', () => {
    expect(undocumentedValues(valuesFile)).toEqual([]);
  });

  describe('the documentation check', () => {
    let dir: string;
    beforeAll(() => {
      dir = mkdtempSync(join(tmpdir(), 'values-doc-'));
    });
    afterAll(() => rmSync(dir, { recursive: true, force: true }));

    it('finds a value without a comment, at the top, first in a block, and inside a documented section', () => {
      const file = join(dir, 'values.yaml');
      const original = readFileSync(valuesFile, 'utf8');
      // Each edit must find its place: a reformatted values.yaml must fail here, not pass with fewer edits.
      const edit = (text: string, from: string, to: string) => {
        expect(text).toContain(from);
        return text.replace(from, to);
      };
      let edited = edit(original, "nameOverride: ''\n", "nameOverride: ''\nundocumentedTop: 1\n");
      edited = edit(edited, 'image:\n  # Prepended', 'image:\n  undocumentedFirst: 1\n  # Prepended');
      edited = edit(
        edited,
        '    # Pods, when autoscaling is off.\n    replicaCount: 2\n    # The container',
        '    replicaCount: 2\n    # The container',
      );
      writeFileSync(file, edited);
      expect(undocumentedValues(file)).toEqual(['undocumentedTop', 'image.undocumentedFirst', 'apps.command.replicaCount']);
    });
  });
});
