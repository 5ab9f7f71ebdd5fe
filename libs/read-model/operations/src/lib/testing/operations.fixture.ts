import type { Pool } from 'pg';
import type { OperatorContext } from '../actions/operator-action';

export function operatorContext(pool: Pool): OperatorContext {
  return { pool, performedBy: 'ops-test' };
}

export async function actionsOn(
  pool: Pool,
  target: string,
): Promise<{ action: string; outcome: string; performed_by: string; detail: Record<string, unknown> }[]> {
  const { rows } = await pool.query(
    `SELECT action, outcome, performed_by, detail FROM read_model.operator_actions WHERE target = $1 ORDER BY id`,
    [target],
  );
  return rows;
}
