/** What `ledger verify` said about money, read from its text output. */
export interface ConservationFinding {
  /** Its line on the sums per currency (`Money in the event store: EUR balances ...`); null when it checked none. */
  readonly money: string | null;
  /** Differences of the kinds that say money was not conserved: sums and reserved amounts, and transfers against their legs. */
  readonly conservation: number;
  readonly transfer: number;
}

const MONEY_LINE = /^Money in the event store: .*$/m;
/** The summary's count of differences by kind: `3 differences: 1 account-field, 2 conservation.` */
const DIFFERENCES_LINE = /^[\d,]+ differences?: (.*)\.$/m;

/** The finding in verify's output; counts are 0 when it found no difference. */
export function conservationFinding(output: string): ConservationFinding {
  const byKind = new Map<string, number>();
  for (const entry of DIFFERENCES_LINE.exec(output)?.[1]?.split(', ') ?? []) {
    const [count = '', kind = ''] = entry.split(' ');
    byKind.set(kind, Number(count.replaceAll(',', '')));
  }
  return {
    money: MONEY_LINE.exec(output)?.[0] ?? null,
    conservation: byKind.get('conservation') ?? 0,
    transfer: byKind.get('transfer') ?? 0,
  };
}

/** Transfer requests the load generator had acknowledged, by kind, from its --json summary. */
export interface AcknowledgedTransfers {
  readonly transfer: number;
  readonly hold: number;
  readonly post: number;
  readonly void: number;
}

/** From the load's summary as it wrote it (so read with care); null when it holds no counts by kind. */
export function acknowledgedTransfers(summary: unknown): AcknowledgedTransfers | null {
  if (typeof summary !== 'object' || summary === null) return null;
  const byKind = (summary as { byKind?: unknown }).byKind;
  if (typeof byKind !== 'object' || byKind === null) return null;
  const acknowledged = (kind: string): number => {
    const counts = (byKind as Record<string, unknown>)[kind];
    const n = typeof counts === 'object' && counts !== null ? (counts as { acknowledged?: unknown }).acknowledged : undefined;
    return typeof n === 'number' && Number.isSafeInteger(n) ? n : 0;
  };
  return { transfer: acknowledged('transfer'), hold: acknowledged('hold'), post: acknowledged('post'), void: acknowledged('void') };
}
