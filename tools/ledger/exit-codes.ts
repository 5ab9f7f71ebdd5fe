/** What `npm run ledger` exits with; scripts can tell these apart. */
export const EXIT = {
  /** Done, or nothing to do (every action is idempotent). */
  ok: 0,
  /** The command failed (the database refused or could not be reached); nothing was changed. */
  failed: 1,
  /** Bad arguments: nothing ran. */
  usage: 2,
  /** The action ran but did not get there: the target does not exist, or the account is parked (again). */
  unresolved: 3,
  /** verify: the read model (or an acknowledged command) disagrees with the event store. */
  differences: 4,
  /** A setting in the environment is malformed (EX_CONFIG, as the apps). */
  config: 78,
} as const;

export type ExitCode = (typeof EXIT)[keyof typeof EXIT];
