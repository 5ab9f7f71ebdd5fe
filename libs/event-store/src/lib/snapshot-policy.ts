export const DEFAULT_SNAPSHOT_EVERY = 100;

/**
 * True when an append from `previousVersion` to `nextVersion` crosses a multiple of `every`, so a
 * multi-event append that jumps over the boundary still takes its snapshot.
 */
export function snapshotDue(previousVersion: number, nextVersion: number, every: number = DEFAULT_SNAPSHOT_EVERY): boolean {
  if (!Number.isSafeInteger(every) || every < 1) {
    throw new Error(`snapshotDue: every must be a positive integer, got ${every}`);
  }
  if (!Number.isSafeInteger(previousVersion) || previousVersion < 0) {
    throw new Error(`snapshotDue: previousVersion must be a non-negative integer, got ${previousVersion}`);
  }
  if (!Number.isSafeInteger(nextVersion) || nextVersion < previousVersion) {
    throw new Error(`snapshotDue: nextVersion must be an integer >= previousVersion, got ${nextVersion}`);
  }
  return Math.floor(nextVersion / every) > Math.floor(previousVersion / every);
}
