/**
 * Opens the store a service runs on: PostgreSQL when a database URL is given (`DATABASE_URL`),
 * otherwise embedded PGlite (in a data directory, or in memory). Migrations run before it is
 * returned, so callers always see the current schema.
 */
import { UserError } from '../shared/user-error.js';
import { migrate, type MigrationResult } from './migrations.js';
import { PGliteStore } from './pglite-store.js';
import { PostgresStore } from './postgres-store.js';
import type { DurableStore } from './store.js';

export const DEFAULT_SCHEMA = 'eventplane';

export interface StoreOptions {
  /** `postgres://…` or `postgresql://…`: use that server. Absent: PGlite. */
  readonly databaseUrl?: string;
  /** PGlite's data directory (ignored with `databaseUrl`). In memory when absent. */
  readonly dataDir?: string;
  /** Schema for eventplane's tables (default `eventplane`). */
  readonly schema?: string;
  /** PostgreSQL pool size (default 10). */
  readonly maxConnections?: number;
  /** PostgreSQL application_name, e.g. the service id. */
  readonly applicationName?: string;
  /** Apply pending migrations (default true). */
  readonly migrate?: boolean;
  /** Told which migrations ran (for a start-up log line). */
  readonly onMigrated?: (result: MigrationResult) => void;
}

/** `DATABASE_URL` selects PostgreSQL; `PGLITE_DATA_DIR` keeps PGlite's files (in memory otherwise). */
export function storeOptionsFromEnv(env: NodeJS.ProcessEnv = process.env): StoreOptions {
  return {
    ...(env.DATABASE_URL ? { databaseUrl: env.DATABASE_URL } : {}),
    ...(env.PGLITE_DATA_DIR ? { dataDir: env.PGLITE_DATA_DIR } : {}),
  };
}

export async function openStore(options: StoreOptions = {}): Promise<DurableStore> {
  const schema = options.schema ?? DEFAULT_SCHEMA;
  let store: DurableStore;
  if (options.databaseUrl !== undefined) {
    if (!/^postgres(ql)?:\/\//.test(options.databaseUrl)) {
      throw new UserError('DATABASE_URL must be a postgres:// or postgresql:// URL');
    }
    store = new PostgresStore({
      connectionString: options.databaseUrl,
      schema,
      ...(options.maxConnections !== undefined ? { maxConnections: options.maxConnections } : {}),
      ...(options.applicationName !== undefined ? { applicationName: options.applicationName } : {}),
    });
  } else {
    store = await PGliteStore.open({ schema, ...(options.dataDir !== undefined ? { dataDir: options.dataDir } : {}) });
  }
  if (options.migrate !== false) {
    try {
      const result = await migrate(store);
      options.onMigrated?.(result);
    } catch (error) {
      await store.close().catch(() => undefined);
      throw error;
    }
  }
  return store;
}
