/** Non-2xx answers of one run, by `<status> <problem type slug>`, e.g. `503 unavailable` → 90. */
export type Refusals = Readonly<Record<string, number>>;

/** `503 unavailable`: the status and the last segment of the problem's type, or the status alone when the body is not a problem. */
export function refusalKind(status: number, body: string): string {
  let type: unknown;
  try {
    type = (JSON.parse(body) as { type?: unknown } | null)?.type;
  } catch {
    type = undefined;
  }
  return typeof type === 'string' ? `${status} ${type.split('/').pop()}` : String(status);
}

/** Counts each answer outside 2xx under its kind. */
export function refusalCounter(): { readonly counts: Refusals; record(status: number, body: string): void } {
  const counts: Record<string, number> = {};
  return {
    counts,
    record(status, body) {
      if (status >= 200 && status < 300) return;
      const kind = refusalKind(status, body);
      counts[kind] = (counts[kind] ?? 0) + 1;
    },
  };
}

/** `90 × 503 unavailable, 2 × 500 internal`, most frequent first; `0 non-2xx` when there were none. */
export function formatRefusals(refusals: Refusals): string {
  const kinds = Object.entries(refusals).sort(([, a], [, b]) => b - a);
  return kinds.length === 0 ? '0 non-2xx' : kinds.map(([kind, count]) => `${count} × ${kind}`).join(', ');
}
