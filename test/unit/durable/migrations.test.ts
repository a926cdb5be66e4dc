import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { checksum, loadMigrations, migrate, MigrationError, type Migration } from '../../../src/durable/migrations.js';
import { openStore } from '../../../src/durable/open-store.js';
import type { DurableStore } from '../../../src/durable/store.js';

function migration(version: number, name: string, sql: string): Migration {
  return { version, name, sql, checksum: checksum(sql) };
}

async function tables(store: DurableStore, schema: string): Promise<string[]> {
  const { rows } = await store.query<{ table_name: string }>(
    'SELECT table_name FROM information_schema.tables WHERE table_schema = $1 ORDER BY table_name',
    [schema],
  );
  return rows.map((row) => row.table_name);
}

describe('migrations', () => {
  let store: DurableStore;
  beforeAll(async () => {
    store = await openStore({ migrate: false });
  }, 60_000);
  afterAll(async () => {
    await store.close();
  });

  it('ship as numbered files without gaps', () => {
    const migrations = loadMigrations();
    expect(migrations.map((m) => m.version)).toEqual(migrations.map((_, i) => i + 1));
    expect(migrations.map((m) => m.name)).toEqual(['outbox', 'inbox', 'sagas', 'aggregate_sequence']);
  });

  it('apply once, record their versions, and are a no-op the second time', async () => {
    const first = await migrate(store);
    expect(first).toEqual({ applied: [1, 2, 3, 4], unknown: [] });
    expect(await tables(store, 'eventplane')).toEqual(['inbox', 'inbox_streams', 'outbox', 'outbox_aggregates', 'outbox_partitions', 'saga_instances', 'schema_migrations']);
    const second = await migrate(store);
    expect(second).toEqual({ applied: [], unknown: [] });
    const { rows } = await store.query<{ version: number }>('SELECT version FROM eventplane.schema_migrations ORDER BY version');
    expect(rows.map((row) => row.version)).toEqual([1, 2, 3, 4]);
  });

  it('apply only what is new when a version is added', async () => {
    const base = [migration(1, 'one', 'CREATE TABLE {{schema}}.a (x int);')];
    expect((await migrate(store, base, 'grow')).applied).toEqual([1]);
    const grown = [...base, migration(2, 'two', 'CREATE TABLE {{schema}}.b (y int);')];
    expect((await migrate(store, grown, 'grow')).applied).toEqual([2]);
    expect(await tables(store, 'grow')).toEqual(['a', 'b', 'schema_migrations']);
  });

  it('refuse a migration edited after it was applied', async () => {
    await migrate(store, [migration(1, 'one', 'CREATE TABLE {{schema}}.a (x int);')], 'edited');
    await expect(migrate(store, [migration(1, 'one', 'CREATE TABLE {{schema}}.a (x bigint);')], 'edited')).rejects.toThrow(
      /migration 1 \(one\) was changed after it was applied/,
    );
  });

  it('leave nothing behind when one of them fails', async () => {
    const attempt = migrate(
      store,
      [migration(1, 'good', 'CREATE TABLE {{schema}}.a (x int);'), migration(2, 'bad', 'CREATE TABLE {{schema}}.b (x no_such_type);')],
      'broken',
    );
    await expect(attempt).rejects.toThrow(MigrationError);
    await expect(attempt).rejects.toThrow(/migration 2 \(bad\) failed: .*no_such_type/);
    expect(await tables(store, 'broken')).toEqual([]);
  });

  it('report versions a newer deployment applied', async () => {
    const all = [migration(1, 'one', 'SELECT 1;'), migration(2, 'two', 'SELECT 2;')];
    await migrate(store, all, 'newer');
    expect(await migrate(store, all.slice(0, 1), 'newer')).toEqual({ applied: [], unknown: [2] });
  });

  it('refuse misnumbered or misnamed files', () => {
    const dir = mkdtempSync(join(tmpdir(), 'ep-migrations-'));
    try {
      writeFileSync(join(dir, '001_one.sql'), 'SELECT 1;');
      writeFileSync(join(dir, '003_three.sql'), 'SELECT 3;');
      expect(() => loadMigrations(dir)).toThrow(/without gaps or repeats; found 3 at position 2/);
      writeFileSync(join(dir, '2-two.sql'), 'SELECT 2;');
      expect(() => loadMigrations(dir)).toThrow(/2-two\.sql is not named NNN_name\.sql/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('refuse a schema name that is not a plain identifier', async () => {
    await expect(openStore({ schema: 'x"; DROP TABLE y; --' })).rejects.toThrow(/not a plain SQL identifier/);
  });
});

