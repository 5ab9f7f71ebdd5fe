import { Client } from 'pg';
import { DATABASE_ROLES, messageOf } from '@ledger/platform';

/** What one app's database role ran in the window (pg_stat_statements). */
export interface RoleStatements {
  readonly app: string;
  readonly calls: number;
  readonly execMs: number;
  readonly planMs: number;
}

export interface DatabaseActivity {
  /** Transactions committed or rolled back in the bench database (pg_stat_database). */
  readonly transactions: number;
  /** Per app, when pg_stat_statements is loaded; else why not. */
  readonly statements: readonly RoleStatements[] | { readonly unavailable: string };
}

interface Snapshot {
  readonly transactions: number;
  readonly statements: Map<string, RoleStatements> | string;
}

const TRANSACTIONS = `SELECT (xact_commit + xact_rollback)::text AS n FROM pg_stat_database WHERE datname = $1`;
// Planning times are zero unless pg_stat_statements.track_planning is on.
const BY_ROLE = `
  SELECT r.rolname AS role, sum(s.calls)::float8 AS calls, sum(s.total_exec_time)::float8 AS exec_ms,
         sum(s.total_plan_time)::float8 AS plan_ms
    FROM pg_stat_statements s JOIN pg_roles r ON r.oid = s.userid JOIN pg_database d ON d.oid = s.dbid
   WHERE d.datname = $1 AND r.rolname = ANY($2::text[])
   GROUP BY r.rolname`;

const APP_OF_ROLE = new Map<string, string>(Object.entries(DATABASE_ROLES).map(([app, role]) => [role, app]));

/**
 * Counts what the apps asked of Postgres over the measured window: transactions in the bench database,
 * and statements, execution and planning time per app (each app connects as its own role) when the
 * server has pg_stat_statements loaded (`shared_preload_libraries`; it needs a restart, so the bench
 * only reports it when an operator turned it on).
 */
export class DatabaseActivityWindow {
  private start: Snapshot | null = null;

  private constructor(
    private readonly client: Client,
    private readonly database: string,
  ) {}

  static async open(databaseUrl: string, database: string): Promise<DatabaseActivityWindow> {
    const client = new Client({ connectionString: databaseUrl });
    await client.connect();
    return new DatabaseActivityWindow(client, database);
  }

  async begin(): Promise<void> {
    this.start = await this.snapshot();
  }

  async end(): Promise<DatabaseActivity> {
    const end = await this.snapshot();
    const start = this.start ?? end;
    return {
      transactions: end.transactions - start.transactions,
      statements:
        typeof end.statements === 'string' || typeof start.statements === 'string'
          ? { unavailable: typeof end.statements === 'string' ? end.statements : String(start.statements) }
          : [...end.statements.values()].map((after) =>
              difference(after, (start.statements as Map<string, RoleStatements>).get(after.app)),
            ),
    };
  }

  close(): Promise<void> {
    return this.client.end();
  }

  private async snapshot(): Promise<Snapshot> {
    // The statistics a backend reports reach the views at its transaction's end, or within a second.
    await this.client.query('SELECT pg_stat_clear_snapshot()');
    const { rows } = await this.client.query<{ n: string }>(TRANSACTIONS, [this.database]);
    return { transactions: Number(rows[0]?.n ?? 0), statements: await this.statementsByApp() };
  }

  private async statementsByApp(): Promise<Map<string, RoleStatements> | string> {
    try {
      await this.client.query('CREATE EXTENSION IF NOT EXISTS pg_stat_statements');
      const { rows } = await this.client.query<{ role: string; calls: number; exec_ms: number; plan_ms: number }>(BY_ROLE, [
        this.database,
        [...APP_OF_ROLE.keys()],
      ]);
      return new Map(
        rows.map((row) => {
          const app = APP_OF_ROLE.get(row.role) ?? row.role;
          return [app, { app, calls: row.calls, execMs: row.exec_ms, planMs: row.plan_ms }];
        }),
      );
    } catch (error) {
      return messageOf(error);
    }
  }
}

function difference(after: RoleStatements, before: RoleStatements | undefined): RoleStatements {
  return {
    app: after.app,
    calls: after.calls - (before?.calls ?? 0),
    execMs: after.execMs - (before?.execMs ?? 0),
    planMs: after.planMs - (before?.planMs ?? 0),
  };
}
