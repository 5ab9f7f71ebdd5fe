import { readFileSync } from 'node:fs';
import { isMap, isPair, isScalar, isSeq, type Node, type Pair, parseDocument } from 'yaml';

interface Commented {
  readonly commentBefore?: string | null;
  readonly comment?: string | null;
}

const hasText = (text: string | null | undefined) => Boolean(text && text.trim().length > 0);

/**
 * A comment on the lines above the key, or after its value on the same line. The parser hangs the
 * comment above a block's first key on the block itself, so the first pair also looks there.
 */
function isCommented(pair: Pair, holder?: unknown): boolean {
  const key = pair.key as Commented | null;
  const value = pair.value as Commented | null;
  const firstOfBlock = isMap(holder) && holder.items[0] === pair && hasText((holder as Commented).commentBefore);
  return firstOfBlock || hasText(key?.commentBefore) || hasText(key?.comment) || hasText(value?.commentBefore) || hasText(value?.comment);
}

const pairsOf = (node: unknown): Pair[] => (isMap(node) ? node.items.filter((item): item is Pair => isPair(item)) : []);
const containsComments = (node: unknown): boolean => pairsOf(node).some((pair) => isCommented(pair, node) || containsComments(pair.value));
const nameOf = (pair: Pair) => String((pair.key as { value?: unknown } | null)?.value ?? pair.key);

/** Mappings with keys are walked into; scalars, sequences and empty mappings are leaves. */
const isLeaf = (node: unknown) => isScalar(node) || isSeq(node) || node === null || pairsOf(node).length === 0;

/**
 * Paths of values.yaml leaves that no comment documents. A comment documents the value under it, or,
 * on a block with no comments inside (say `resources:` or `podSecurityContext:`), the whole block. A
 * block with comments inside is a section: each of its values needs its own.
 */
export function undocumentedValues(file: string): string[] {
  const document = parseDocument(readFileSync(file, 'utf8'));
  if (document.errors.length > 0) throw new Error(`${file}: ${document.errors.map((error) => error.message).join('; ')}`);
  const undocumented: string[] = [];
  const walk = (node: unknown, path: readonly string[], blockDocumented: boolean) => {
    for (const pair of pairsOf(node)) {
      const here = [...path, nameOf(pair)];
      const documented = blockDocumented || isCommented(pair, node);
      if (isLeaf(pair.value)) {
        if (!documented) undocumented.push(here.join('.'));
      } else {
        walk(pair.value, here, documented && !containsComments(pair.value));
      }
    }
  };
  walk(document.contents as Node, [], false);
  return undocumented;
}
