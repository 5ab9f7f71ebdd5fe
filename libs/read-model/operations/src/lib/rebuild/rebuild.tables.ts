import type { ClientBase } from 'pg';
import {
  addNextForeignKey,
  ANALYZE_NEXT_TABLES,
  createNextIndex,
  createNextTable,
  DEFAULT_GRANTS,
  dropTables,
  KEYED_FROM_THE_START,
  LIVE_FOREIGN_KEYS,
  LIVE_GRANTS,
  LIVE_INDEXES,
  NEXT_SUFFIX,
  OLD_SUFFIX,
  qualified,
  REBUILT_TABLES,
  renameIndex,
  renameTable,
  setTableOptions,
  suffixed,
  TABLE_OPTIONS,
  type LiveForeignKeyRow,
  type LiveIndexRow,
  type RebuiltTable,
} from './rebuild.sql';

/**
 * The fresh tables beside the live ones, through their life: created without indexes, indexed after
 * the bulk load, swapped in by renames, and the old ones dropped. Index definitions, table options and
 * other roles' privileges are read from the live tables, so whatever a migration or an administrator
 * added is carried over under the same names.
 */
export class RebuildTables {
  private readonly liveIndexes = new Map<RebuiltTable, readonly LiveIndexRow[]>();
  private readonly built = new Set<string>();

  constructor(private readonly session: ClientBase) {}

  /**
   * Drops what an interrupted rebuild left behind and creates the fresh tables. The accounts and the
   * transfers tables get their keys at once: the writer's upserts need them (accounts are written in
   * one pass at the end, transfers' terms chunk by chunk).
   */
  async create(): Promise<void> {
    await this.session.query(dropTables(NEXT_SUFFIX));
    await this.session.query(dropTables(OLD_SUFFIX));
    for (const table of REBUILT_TABLES) {
      await this.session.query(createNextTable(table));
      const options = await this.session.query<{ reloptions: string[] | null }>(TABLE_OPTIONS, [qualified(table)]);
      const reloptions = options.rows[0]?.reloptions ?? null;
      if (reloptions !== null && reloptions.length > 0) await this.session.query(setTableOptions(table, reloptions));
      await this.copyGrants(table);
      this.liveIndexes.set(table, await this.readLiveIndexes(table));
    }
    for (const table of KEYED_FROM_THE_START) await this.buildIndexes(table, (index) => index.constraint_definition !== null);
  }

  /** The live table's privileges, and only those: not what the creator's default privileges added. */
  private async copyGrants(table: RebuiltTable): Promise<void> {
    const next = qualified(table + NEXT_SUFFIX);
    const defaults = await this.session.query<{ statement: string }>(DEFAULT_GRANTS, [table + NEXT_SUFFIX, next]);
    for (const { statement } of defaults.rows) await this.session.query(statement);
    const grants = await this.session.query<{ statement: string }>(LIVE_GRANTS, [table, next]);
    for (const { statement } of grants.rows) await this.session.query(statement);
  }

  /**
   * Every index the live tables have and the fresh ones do not yet, their foreign keys (once the keys
   * they reference exist; the rows loaded so far are checked against them), then planner statistics.
   */
  async completeIndexes(): Promise<void> {
    for (const table of REBUILT_TABLES) await this.buildIndexes(table, () => true);
    for (const table of REBUILT_TABLES) {
      const keys = await this.session.query<LiveForeignKeyRow>(LIVE_FOREIGN_KEYS, [qualified(table)]);
      for (const key of keys.rows) await this.session.query(addNextForeignKey(table, key));
    }
    await this.session.query(ANALYZE_NEXT_TABLES);
  }

  /**
   * Live -> `_old`, fresh -> live, indexes (and with them their constraints) included. Runs inside the
   * swap transaction: each rename takes an ACCESS EXCLUSIVE lock, released at commit.
   */
  async swap(): Promise<void> {
    for (const table of REBUILT_TABLES) {
      const now = await this.readLiveIndexes(table);
      const then = this.indexesOf(table);
      if (names(now) !== names(then)) {
        throw new Error(`rebuild: the indexes of ${table} changed during the rebuild (${names(then)} -> ${names(now)})`);
      }
    }
    for (const table of REBUILT_TABLES) {
      await this.session.query(renameTable(table, table + OLD_SUFFIX));
      for (const index of this.indexesOf(table)) await this.session.query(renameIndex(index.name, suffixed(index.name, OLD_SUFFIX)));
    }
    for (const table of REBUILT_TABLES) {
      await this.session.query(renameTable(table + NEXT_SUFFIX, table));
      for (const index of this.indexesOf(table)) await this.session.query(renameIndex(suffixed(index.name, NEXT_SUFFIX), index.name));
    }
  }

  async dropOld(): Promise<void> {
    await this.session.query(dropTables(OLD_SUFFIX));
  }

  async dropNext(): Promise<void> {
    await this.session.query(dropTables(NEXT_SUFFIX));
  }

  private async buildIndexes(table: RebuiltTable, wanted: (index: LiveIndexRow) => boolean): Promise<void> {
    for (const index of this.indexesOf(table)) {
      if (this.built.has(index.name) || !wanted(index)) continue;
      await this.session.query(createNextIndex(table, index));
      this.built.add(index.name);
    }
  }

  private indexesOf(table: RebuiltTable): readonly LiveIndexRow[] {
    const indexes = this.liveIndexes.get(table);
    if (indexes === undefined) throw new Error(`rebuild: ${table} has no fresh table yet`);
    return indexes;
  }

  private async readLiveIndexes(table: RebuiltTable): Promise<LiveIndexRow[]> {
    return (await this.session.query<LiveIndexRow>(LIVE_INDEXES, [qualified(table)])).rows;
  }
}

function names(indexes: readonly LiveIndexRow[]): string {
  return indexes
    .map((index) => index.name)
    .sort()
    .join(', ');
}
