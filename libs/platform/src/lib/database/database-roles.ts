/**
 * The Postgres role each app connects as (docs/design.md, "Least privilege in Postgres"). Roles are
 * cluster-wide, grants per database: the migrations create a role when it is missing and grant it what
 * its app needs in the database they migrate. The apps never own anything: the role that runs the
 * migrations does.
 */
export const DATABASE_ROLES = {
  command: 'ledger_command',
  relay: 'ledger_relay',
  projector: 'ledger_projector',
  query: 'ledger_query',
} as const;

export type DatabaseRole = (typeof DATABASE_ROLES)[keyof typeof DATABASE_ROLES];

/**
 * Creates a LOGIN role without a password unless it exists (operators set passwords; trust auth needs
 * none). Every database on a server runs the migrations, so another one may create the role at the same
 * moment: its duplicate (42710, or 23505 on the catalog's unique index) means the role is there.
 */
export function ensureLoginRoleSql(role: DatabaseRole): string {
  return `
    DO $$
    BEGIN
      IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = '${role}') THEN
        BEGIN
          CREATE ROLE ${role} LOGIN;
        EXCEPTION WHEN duplicate_object OR unique_violation THEN
          NULL;
        END;
      END IF;
    END $$`;
}

/**
 * Makes `member` a member of a predefined role (e.g. pg_read_all_stats) when the migrating role may
 * grant it (a superuser, or one holding it WITH ADMIN OPTION); otherwise says so, since an
 * administrator must then grant it once by hand.
 */
export function grantPredefinedRoleSql(predefined: string, member: DatabaseRole): string {
  return `
    DO $$
    BEGIN
      IF pg_has_role('${member}', '${predefined}', 'MEMBER') THEN
        RETURN;
      END IF;
      IF pg_has_role(current_user, '${predefined}', 'MEMBER WITH ADMIN OPTION') THEN
        BEGIN
          GRANT ${predefined} TO ${member};
        EXCEPTION WHEN unique_violation THEN
          NULL;
        END;
      ELSE
        RAISE WARNING '% may not grant ${predefined}: run GRANT ${predefined} TO ${member} as an administrator', current_user;
      END IF;
    END $$`;
}

/**
 * What undoes a schema's grants to app roles: their default privileges there, their privileges on its
 * tables and sequences, and its usage. `sequenceRoles` are those of `roles` that were granted sequences.
 */
export function revokeSchemaGrantsSql(schema: string, roles: readonly DatabaseRole[], sequenceRoles: readonly DatabaseRole[]): string[] {
  const everyone = roles.join(', ');
  const sequenceUsers = sequenceRoles.join(', ');
  return [
    `ALTER DEFAULT PRIVILEGES IN SCHEMA ${schema} REVOKE ALL ON TABLES FROM ${everyone}`,
    `ALTER DEFAULT PRIVILEGES IN SCHEMA ${schema} REVOKE ALL ON SEQUENCES FROM ${sequenceUsers}`,
    `REVOKE ALL ON ALL TABLES IN SCHEMA ${schema} FROM ${everyone}`,
    `REVOKE ALL ON ALL SEQUENCES IN SCHEMA ${schema} FROM ${sequenceUsers}`,
    `REVOKE ALL ON SCHEMA ${schema} FROM ${everyone}`,
  ];
}
