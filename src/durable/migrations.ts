/**
 * Versioned SQL migrations for eventplane's schema, applied when a store opens.
 *
 * Files are `migrations/NNN_name.sql`, numbered from 001 without gaps; `{{schema}}` is the quoted
 * schema and `{{schema_name}}` its bare name. Each applied migration is recorded with a checksum
 * in `schema_migrations`, so a file edited after it ran is refused instead of silently
 * diverging. All pending migrations run in one transaction under an advisory lock: several
 * instances starting at once apply them exactly once, and a failure leaves nothing half-done.
 */
import { createHash } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { checkIdentifier, type DurableStore } from './store.js';

export interface Migration {
  readonly version: number;
  readonly name: string;
  /** The file's text with placeholders. */
  readonly sql: string;
  readonly checksum: string;
}

export interface MigrationResult {
  /** Versions applied by this call (empty when the schema was current). */
  readonly applied: number[];
  /** Versions recorded in the database that this code does not know (a newer deployment ran them). */
  readonly unknown: number[];
}

export class MigrationError extends Error {
  override readonly name = 'MigrationError';
}

const FILE = /^(\d{3})_([a-z0-9_]+)\.sql$/;
const MIGRATIONS_DIR = fileURLToPath(new URL('./migrations/', import.meta.url));

export function checksum(sql: string): string {
  return createHash('sha256').update(sql).digest('hex');
}

/** Reads and checks the migration files (numbering, names). */
export function loadMigrations(dir: string = MIGRATIONS_DIR): Migration[] {
  const files = readdirSync(dir).filter((file) => file.endsWith('.sql')).sort();
  const migrations = files.map((file) => {
    const match = FILE.exec(file);
    if (!match) throw new MigrationError(`migration file ${file} is not named NNN_name.sql`);
    const sql = readFileSync(join(dir, file), 'utf8');
    return { version: Number(match[1]), name: match[2]!, sql, checksum: checksum(sql) };
  });
  migrations.forEach((migration, index) => {
    if (migration.version !== index + 1) {
      throw new MigrationError(`migration versions must run 1, 2, 3… without gaps or repeats; found ${migration.version} at position ${index + 1}`);
    }
  });
  return migrations;
}

export function renderMigration(sql: string, schema: string): string {
  return sql.replaceAll('{{schema}}', `"${schema}"`).replaceAll('{{schema_name}}', schema);
}

interface AppliedRow {
  version: number;
  name: string;
  checksum: string;
}

/** Brings `schema` (the store's own by default) up to the latest of `migrations`. */
export async function migrate(
  store: DurableStore,
  migrations: readonly Migration[] = loadMigrations(),
  schema: string = store.schema,
): Promise<MigrationResult> {
  checkIdentifier('schema', schema);
  const history = `"${schema}"."schema_migrations"`;
  return store.transaction(async (tx) => {
    // hashtext gives an int4; the lock is per schema so services sharing a database don't wait on each other.
    await tx.query('SELECT pg_advisory_xact_lock(hashtext($1))', [`eventplane.migrate.${schema}`]);
    await tx.exec(
      `CREATE SCHEMA IF NOT EXISTS "${schema}";
       CREATE TABLE IF NOT EXISTS ${history} (
         version    integer PRIMARY KEY,
         name       text NOT NULL,
         checksum   text NOT NULL,
         applied_at timestamptz NOT NULL DEFAULT now()
       );`,
    );
    const { rows } = await tx.query<AppliedRow>(`SELECT version, name, checksum FROM ${history} ORDER BY version`);
    const known = new Map(migrations.map((migration) => [migration.version, migration]));
    for (const row of rows) {
      const migration = known.get(row.version);
      if (migration && migration.checksum !== row.checksum) {
        throw new MigrationError(
          `migration ${row.version} (${row.name}) was changed after it was applied to schema "${schema}": ` +
            'add a new migration instead of editing an applied one',
        );
      }
    }
    const done = new Set(rows.map((row) => row.version));
    const applied: number[] = [];
    for (const migration of migrations) {
      if (done.has(migration.version)) continue;
      try {
        await tx.exec(renderMigration(migration.sql, schema));
      } catch (error) {
        throw new MigrationError(`migration ${migration.version} (${migration.name}) failed: ${(error as Error).message}`);
      }
      await tx.query(`INSERT INTO ${history} (version, name, checksum) VALUES ($1, $2, $3)`, [
        migration.version,
        migration.name,
        migration.checksum,
      ]);
      applied.push(migration.version);
    }
    return { applied, unknown: rows.map((row) => row.version).filter((version) => !known.has(version)) };
  });
}
