import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import type { Pool, QueryResultRow } from 'pg';
import type { PostgresDriver } from 'typeorm/driver/postgres/PostgresDriver';
import type { PreparedStatement } from '@ledger/platform';

/**
 * The read-model reads straight on the pg pool TypeORM opened (its size, timeouts and application
 * name): rows come back as pg parses them, with no entity hydration, and a prepared statement is
 * parsed and planned once per connection.
 */
@Injectable()
export class ReadModelPool {
  constructor(private readonly dataSource: DataSource) {}

  async rows<R extends QueryResultRow>(statement: PreparedStatement | string, values: readonly unknown[]): Promise<R[]> {
    const config = typeof statement === 'string' ? { text: statement, values } : { name: statement.name, text: statement.text, values };
    const result = await this.pool().query<R>(config as { text: string; values: unknown[] });
    return result.rows;
  }

  private pool(): Pool {
    // Opened by TypeORM before any provider that reads runs; typed `any` by TypeORM.
    return (this.dataSource.driver as PostgresDriver).master as Pool;
  }
}
