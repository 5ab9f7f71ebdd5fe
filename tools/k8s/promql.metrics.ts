/** PromQL words that look like names but are not metrics. */
const KEYWORDS = new Set([
  'and',
  'or',
  'unless',
  'by',
  'without',
  'on',
  'ignoring',
  'group_left',
  'group_right',
  'offset',
  'bool',
  'inf',
  'nan',
]);

/**
 * The metric names a PromQL expression reads: identifiers that are neither functions (followed by
 * a parenthesis), keywords, label names (inside braces or a grouping clause) nor string contents.
 * Grafana variables ($__rate_interval, $namespace) sit inside brackets or braces and drop out with them.
 */
export function metricNamesIn(expression: string): string[] {
  const stripped = expression
    .replace(/"(?:[^"\\]|\\.)*"|'(?:[^'\\]|\\.)*'/g, '""')
    .replace(/\{[^}]*\}/g, ' ')
    .replace(/\[[^\]]*\]/g, ' ')
    .replace(/\b(by|without|on|ignoring|group_left|group_right)\s*\([^)]*\)/g, ' ');
  const names = [...stripped.matchAll(/(?<![A-Za-z0-9_:.])[A-Za-z_:][A-Za-z0-9_:]*/g)]
    .filter((match) => {
      const next = stripped.slice((match.index ?? 0) + match[0].length).trimStart();
      return !next.startsWith('(');
    })
    .map((match) => match[0])
    .filter((word) => !KEYWORDS.has(word.toLowerCase()) && !/^\d/.test(word));
  return [...new Set(names)];
}
