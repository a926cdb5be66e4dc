/**
 * Databases for integration tests: a fresh PostgreSQL database per test (from the server the
 * global setup started), or a fresh PGlite data directory — the same store options opened twice
 * reach the same data, which is how tests "restart" a service.
 */
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { inject } from 'vitest';
import type { StoreOptions } from '../../src/durable/open-store.js';
import type { StoreKind } from '../../src/durable/store.js';

export const STORE_KINDS: readonly StoreKind[] = ['postgres', 'pglite'];

export interface TestDatabase {
  readonly kind: StoreKind;
  /** Pass to openStore (add a schema or other options as needed). */
  readonly options: StoreOptions;
  /** The same, as environment variables for a child process. */
  readonly env: Record<string, string>;
  dispose(): Promise<void>;
}

async function withAdmin<T>(work: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: inject('postgres').url });
  await client.connect();
  try {
    return await work(client);
  } finally {
    await client.end();
  }
}

/** A new, empty database of `kind`. */
export async function testDatabase(kind: StoreKind, label: string): Promise<TestDatabase> {
  const suffix = randomBytes(4).toString('hex');
  if (kind === 'postgres') {
    const name = `t_${label.replace(/[^a-z0-9]/g, '_')}_${suffix}`;
    await withAdmin((client) => client.query(`CREATE DATABASE "${name}"`));
    const url = new URL(inject('postgres').url);
    url.pathname = `/${name}`;
    const databaseUrl = url.toString();
    return {
      kind,
      options: { databaseUrl },
      env: { DATABASE_URL: databaseUrl },
      dispose: () => withAdmin((client) => client.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`)).then(() => undefined),
    };
  }
  const dataDir = mkdtempSync(join(tmpdir(), `ep-pglite-${label}-`));
  return {
    kind,
    options: { dataDir },
    env: { PGLITE_DATA_DIR: dataDir },
    dispose: async () => rmSync(dataDir, { recursive: true, force: true }),
  };
}
