/**
 * The rebuild's statements: fresh tables beside the live ones, their indexes copied from the live
 * tables' catalog (so an index a later migration adds is rebuilt too), and the swap by renames.
 */
import { TRANSACTION_INSERT_COLUMNS, transactionsUnnest } from '@ledger/read-model-schema';
import type { ReadModelTables } from '@ledger/read-model-projection';

export const READ_MODEL_SCHEMA = 'read_model';

/**
 * The tables a rebuild replaces, by their live names: the accounts and their history, the transfers
 * (terms, states, applied legs). Parking and dead letters are not among them.
 */
export const REBUILT_TABLES = ['accounts', 'account_transactions', 'transfers', 'transfer_states', 'transfer_legs'] as const;

/** Tables the fold's upserts write from the start: their keys exist before the bulk load. */
export const KEYED_FROM_THE_START: readonly RebuiltTable[] = ['accounts', 'transfers'];
export type RebuiltTable = (typeof REBUILT_TABLES)[number];

export const NEXT_SUFFIX = '_next';
export const OLD_SUFFIX = '_old';

/** Where the rebuild writes: the projection writer's statements, pointed at the fresh tables. */
export const NEXT_TABLES: Required<ReadModelTables> = {
  accounts: qualified(`accounts${NEXT_SUFFIX}`),
  transactions: qualified(`account_transactions${NEXT_SUFFIX}`),
  transfers: qualified(`transfers${NEXT_SUFFIX}`),
  transferStates: qualified(`transfer_states${NEXT_SUFFIX}`),
  transferLegs: qualified(`transfer_legs${NEXT_SUFFIX}`),
};

/** One rebuild at a time: held on the rebuild's session for its whole run. */
export const TRY_REBUILD_LOCK = `SELECT pg_try_advisory_lock(7365423801512019) AS acquired`;
export const RELEASE_REBUILD_LOCK = `SELECT pg_advisory_unlock(7365423801512019)`;

export interface LiveIndexRow {
  readonly name: string;
  readonly definition: string;
  readonly unique: boolean;
  /** Set when the index backs a primary key, unique or exclusion constraint of the same name. */
  readonly constraint_definition: string | null;
}

/** The live table's indexes, constraint-backed first (the primary key before anything else). */
export const LIVE_INDEXES = `
  SELECT c.relname AS name, pg_get_indexdef(i.indexrelid) AS definition, i.indisunique AS unique,
         pg_get_constraintdef(con.oid) AS constraint_definition
    FROM pg_index i
    JOIN pg_class c ON c.oid = i.indexrelid
    LEFT JOIN pg_constraint con
      ON con.conindid = i.indexrelid AND con.conrelid = i.indrelid AND con.contype IN ('p', 'u', 'x')
   WHERE i.indrelid = $1::regclass
   ORDER BY i.indisprimary DESC, (con.oid IS NULL), c.relname`;

export const TABLE_OPTIONS = `SELECT reloptions FROM pg_class WHERE oid = $1::regclass`;

export interface LiveForeignKeyRow {
  readonly name: string;
  /** Quoted, comma-separated, in key order. */
  readonly columns: string;
  readonly referenced_schema: string;
  readonly referenced_table: string;
  readonly referenced_columns: string;
  /** pg_constraint's action codes: a no action, r restrict, c cascade, n set null, d set default. */
  readonly on_delete: string;
  readonly on_update: string;
  readonly deferrable: boolean;
  readonly deferred: boolean;
}

/**
 * The live table's foreign keys, from the catalog's parts rather than their printed definition, so the
 * fresh table's key can point at the fresh table it references (`CREATE TABLE ... LIKE` copies none).
 */
export const LIVE_FOREIGN_KEYS = `
  SELECT con.conname AS name,
         (SELECT string_agg(quote_ident(a.attname), ', ' ORDER BY k.ord)
            FROM unnest(con.conkey) WITH ORDINALITY AS k (attnum, ord)
            JOIN pg_attribute a ON a.attrelid = con.conrelid AND a.attnum = k.attnum) AS columns,
         ns.nspname AS referenced_schema, ref.relname AS referenced_table,
         (SELECT string_agg(quote_ident(a.attname), ', ' ORDER BY k.ord)
            FROM unnest(con.confkey) WITH ORDINALITY AS k (attnum, ord)
            JOIN pg_attribute a ON a.attrelid = con.confrelid AND a.attnum = k.attnum) AS referenced_columns,
         con.confdeltype AS on_delete, con.confupdtype AS on_update, con.condeferrable AS deferrable, con.condeferred AS deferred
    FROM pg_constraint con
    JOIN pg_class ref ON ref.oid = con.confrelid
    JOIN pg_namespace ns ON ns.oid = ref.relnamespace
   WHERE con.conrelid = $1::regclass AND con.contype = 'f'
   ORDER BY con.conname`;

const FOREIGN_KEY_ACTIONS: Readonly<Record<string, string>> = {
  a: 'NO ACTION',
  r: 'RESTRICT',
  c: 'CASCADE',
  n: 'SET NULL',
  d: 'SET DEFAULT',
};

/**
 * The live foreign key on the fresh table, under its live name (a foreign key's name is the table's
 * own, not in the schema's namespace, so the swap need not rename it). A key to another rebuilt table
 * points at that table's fresh copy: the renames of the swap carry it along to the live name.
 */
export function addNextForeignKey(table: RebuiltTable, key: LiveForeignKeyRow): string {
  const rebuilt = key.referenced_schema === READ_MODEL_SCHEMA && (REBUILT_TABLES as readonly string[]).includes(key.referenced_table);
  const referenced = rebuilt
    ? qualified(key.referenced_table + NEXT_SUFFIX)
    : `${ident(key.referenced_schema)}.${ident(key.referenced_table)}`;
  const action = (code: string) => {
    const named = FOREIGN_KEY_ACTIONS[code];
    if (named === undefined) throw new Error(`rebuild: unknown foreign key action ${JSON.stringify(code)} on ${key.name}`);
    return named;
  };
  const timing = key.deferrable ? ` DEFERRABLE INITIALLY ${key.deferred ? 'DEFERRED' : 'IMMEDIATE'}` : '';
  return (
    `ALTER TABLE ${qualified(table + NEXT_SUFFIX)} ADD CONSTRAINT ${ident(key.name)} FOREIGN KEY (${key.columns}) ` +
    `REFERENCES ${referenced} (${key.referenced_columns}) ON DELETE ${action(key.on_delete)} ON UPDATE ${action(key.on_update)}${timing}`
  );
}

/**
 * What the fresh table ($1, unquoted name) got from its creator's default privileges, taken back
 * ($2, qualified), so that it ends with exactly the live table's privileges (LIVE_GRANTS).
 */
export const DEFAULT_GRANTS = `
  SELECT DISTINCT format('REVOKE ALL ON %s FROM %s', $2::text,
                CASE WHEN grantee = 'PUBLIC' THEN 'PUBLIC' ELSE quote_ident(grantee) END) AS statement
    FROM information_schema.table_privileges
   WHERE table_schema = '${READ_MODEL_SCHEMA}' AND table_name = $1::text AND grantee <> current_user`;

/** What other roles may do on the live table ($1, unquoted name), as GRANTs on the fresh one ($2). */
export const LIVE_GRANTS = `
  SELECT format('GRANT %s ON %s TO %s', privilege_type, $2::text,
                CASE WHEN grantee = 'PUBLIC' THEN 'PUBLIC' ELSE quote_ident(grantee) END) AS statement
    FROM information_schema.table_privileges
   WHERE table_schema = '${READ_MODEL_SCHEMA}' AND table_name = $1::text AND grantee <> current_user
   ORDER BY grantee, privilege_type`;

export function qualified(table: string): string {
  return `${READ_MODEL_SCHEMA}.${ident(table)}`;
}

export function ident(name: string): string {
  return `"${name.replace(/"/g, '""')}"`;
}

/** Postgres cuts identifiers at 63 bytes: the suffix must survive, so the base gives way. */
export function suffixed(name: string, suffix: string): string {
  return `${name.slice(0, 63 - suffix.length)}${suffix}`;
}

/** Same columns, defaults, NOT NULL and CHECK constraints (with their names) and storage; no index yet. */
export function createNextTable(table: RebuiltTable): string {
  return `CREATE TABLE ${qualified(table + NEXT_SUFFIX)} (LIKE ${qualified(table)} INCLUDING ALL EXCLUDING INDEXES)`;
}

export function dropTables(suffix: string): string {
  return `DROP TABLE IF EXISTS ${REBUILT_TABLES.map((t) => qualified(t + suffix)).join(', ')}`;
}

/** The live index re-created on the fresh table under `<name>_next`; renamed to the live name at the swap. */
export function createNextIndex(table: RebuiltTable, index: LiveIndexRow): string {
  const nextTable = qualified(table + NEXT_SUFFIX);
  const name = ident(suffixed(index.name, NEXT_SUFFIX));
  if (index.constraint_definition !== null) return `ALTER TABLE ${nextTable} ADD CONSTRAINT ${name} ${index.constraint_definition}`;
  // pg_get_indexdef: CREATE [UNIQUE] INDEX name ON [ONLY] schema.table USING method (...) [...]
  const using = index.definition.indexOf(' USING ');
  if (using < 0) throw new Error(`rebuild: cannot read the definition of index ${index.name}: ${index.definition}`);
  return `CREATE ${index.unique ? 'UNIQUE ' : ''}INDEX ${name} ON ${nextTable}${index.definition.slice(using)}`;
}

export function setTableOptions(table: RebuiltTable, options: readonly string[]): string {
  return `ALTER TABLE ${qualified(table + NEXT_SUFFIX)} SET (${options.join(', ')})`;
}

/** Queries keep reading (ACCESS SHARE passes); the projector's and the operator actions' writes wait. */
export const LOCK_LIVE_TABLES = `LOCK TABLE ${REBUILT_TABLES.map((t) => qualified(t)).join(', ')} IN EXCLUSIVE MODE`;

export function renameTable(from: string, to: string): string {
  return `ALTER TABLE ${qualified(from)} RENAME TO ${ident(to)}`;
}

/** Renaming a constraint's index renames the constraint too. */
export function renameIndex(from: string, to: string): string {
  return `ALTER INDEX ${qualified(from)} RENAME TO ${ident(to)}`;
}

export const ANALYZE_NEXT_TABLES = `ANALYZE ${REBUILT_TABLES.map((t) => qualified(t + NEXT_SUFFIX)).join(', ')}`;

export const SET_LOCK_TIMEOUT = `SELECT set_config('lock_timeout', $1::text, true)`;

/** Lock timeout: the swap gives way and tries again rather than keep queries waiting. */
export const LOCK_NOT_AVAILABLE = '55P03';

/** The load phase's history rows (`transactionArrays`): a plain insert, the fresh table has no key yet. */
export const INSERT_HISTORY = `
  INSERT INTO ${NEXT_TABLES.transactions} (${TRANSACTION_INSERT_COLUMNS})
  SELECT * FROM ${transactionsUnnest(1)}`;
