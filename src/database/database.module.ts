import { Logger, Module } from '@nestjs/common';
import type { ConfigType } from '@nestjs/config';
import { TypeOrmModule } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { databaseConfig } from '../config/database.config.js';
import { buildDataSourceOptions } from './data-source-options.js';
import { refusedConnection } from './database-errors.js';
import { runMigrations } from './run-migrations.js';

/**
 * The PostgreSQL connection. Pending migrations are applied before anything else touches the
 * database (under an advisory lock, see `runMigrations`); the schema never comes from entities.
 */
@Module({
  imports: [
    TypeOrmModule.forRootAsync({
      inject: [databaseConfig.KEY],
      useFactory: (config: ConfigType<typeof databaseConfig>) => {
        if (!config.url) {
          throw new Error(
            'DATABASE_URL is not set and no embedded PostgreSQL was started; start Trackveil with `npm start`, or set DATABASE_URL.',
          );
        }
        return {
          ...buildDataSourceOptions({
            url: config.url,
            poolSize: config.poolSize,
            connectTimeoutMs: config.connectTimeoutMs,
            statementTimeoutMs: config.statementTimeoutMs,
          }),
          retryAttempts: 2,
          retryDelay: 2000,
          // A missing database or a wrong password stays so: stop at once, saying which.
          toRetry: (error: unknown) => refusedConnection(error, config.url) === undefined,
        };
      },
      dataSourceFactory: async (options) => {
        const dataSource = await new DataSource(options!).initialize();
        const applied = await runMigrations(dataSource);
        if (applied.length > 0) {
          new Logger('Database').log(`Applied migrations: ${applied.join(', ')}`);
        }
        return dataSource;
      },
    }),
  ],
})
export class DatabaseModule {}
