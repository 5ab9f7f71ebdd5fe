/**
 * The value of one sample in Prometheus' text format: `name{labels} value` or `name value`.
 * Undefined when the metric is absent.
 */
export function metricValue(text: string, name: string): number | undefined {
  for (const line of text.split('\n')) {
    if (!line.startsWith(name)) continue;
    const rest = line.slice(name.length);
    if (rest[0] !== ' ' && rest[0] !== '{') continue;
    const value = Number(rest.slice(rest.lastIndexOf(' ') + 1));
    if (!Number.isNaN(value)) return value;
  }
  return undefined;
}
