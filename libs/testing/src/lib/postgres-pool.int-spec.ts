import { createPool, prepared } from '@ledger/platform';
import { suiteObject } from './suite-resource';
import { createTestDatabase } from './test-database';

/** The apps' hot-path pool (@ledger/platform's createPool), against a real server. */
describe('createPool', () => {
  const database = suiteObject(
    'a fresh database',
    () => createTestDatabase(),
    (created) => created.drop(),
    30_000,
  );

  it('plans a prepared statement once, generically, from its first execution', async () => {
    const pool = createPool({ url: database.url, max: 1, applicationName: 'pool-spec' });
    try {
      const client = await pool.connect();
      try {
        const { rows: setting } = await client.query<{ plan_cache_mode: string }>('SHOW plan_cache_mode');
        expect(setting).toEqual([{ plan_cache_mode: 'force_generic_plan' }]);
        const statement = prepared('SELECT n FROM generate_series(1, 3) AS n WHERE n = $1::int');
        const { rows } = await client.query({ ...statement, values: [2] });
        expect(rows).toEqual([{ n: 2 }]);
        const { rows: plans } = await client.query<{ generic_plans: string; custom_plans: string }>(
          'SELECT generic_plans::text, custom_plans::text FROM pg_prepared_statements WHERE name = $1',
          [statement.name],
        );
        expect(plans).toEqual([{ generic_plans: '1', custom_plans: '0' }]);
      } finally {
        client.release();
      }
    } finally {
      await pool.end();
    }
  });
});
