/**
 * A service's database: eventplane's tables (outbox, inbox, sagas) in `<schema>_ep`, the
 * service's own tables in `<schema>`, each with its own versioned migrations. With
 * DATABASE_URL every service can share one PostgreSQL database (their schemas differ); without
 * it each service has its own PGlite, or — when several services run in one process — a
 * schema view of one shared PGlite.
 */
import { existsSync } from 'node:fs';
import { loadMigrations, migrate, type MigrationResult } from '../durable/migrations.js';
import { openStore } from '../durable/open-store.js';
import { checkIdentifier, type DurableStore, type Transaction } from '../durable/store.js';

export interface ServiceDatabase {
  /** eventplane's store (schema `<schema>_ep`): hand it to the outbox, inbox, relay and sagas. */
  readonly store: DurableStore;
  /** Schema of the service's own tables. */
  readonly schema: string;
  /** `"schema"."name"`: one of the service's own tables, quoted for SQL text. */
  table(name: string): string;
  close(): Promise<void>;
}

export interface OpenDatabaseOptions {
  readonly schema: string;
  readonly databaseUrl?: string;
  readonly dataDir?: string;
  readonly applicationName: string;
  /** The service's `NNN_name.sql` migrations (`{{schema}}` is its quoted schema). */
  readonly migrationsDir?: string;
  /** Use this store (a PGlite shared by the services of one process) instead of opening one. */
  readonly shared?: DurableStore;
  readonly onMigrated?: (what: 'eventplane' | 'service', result: MigrationResult) => void;
}

/** Schema of eventplane's own tables next to the service's schema. */
export function eventplaneSchemaOf(schema: string): string {
  return `${schema}_ep`;
}

/** `shop/checkout` → `shop_checkout`. */
export function defaultSchemaOf(serviceId: string): string {
  return serviceId.replace(/[^a-z0-9]+/gi, '_').toLowerCase();
}

export async function openServiceDatabase(options: OpenDatabaseOptions): Promise<ServiceDatabase> {
  const schema = checkIdentifier('schema', options.schema);
  const epSchema = eventplaneSchemaOf(schema);
  let store: DurableStore;
  let owned = true;
  if (options.shared) {
    store = schemaView(options.shared, epSchema);
    owned = false;
    options.onMigrated?.('eventplane', await migrate(store));
  } else {
    store = await openStore({
      schema: epSchema,
      applicationName: options.applicationName,
      ...(options.databaseUrl !== undefined ? { databaseUrl: options.databaseUrl } : {}),
      ...(options.dataDir !== undefined ? { dataDir: options.dataDir } : {}),
      onMigrated: (result) => options.onMigrated?.('eventplane', result),
    });
  }
  try {
    if (options.migrationsDir && existsSync(options.migrationsDir)) {
      options.onMigrated?.('service', await migrate(store, loadMigrations(options.migrationsDir), schema));
    }
  } catch (error) {
    if (owned) await store.close().catch(() => undefined);
    throw error;
  }
  return {
    store,
    schema,
    table: (name) => `"${schema}"."${checkIdentifier('table', name)}"`,
    close: () => (owned ? store.close() : Promise.resolve()),
  };
}

/**
 * The same database under another eventplane schema: several services in one process share
 * one PGlite (one WebAssembly PostgreSQL instead of ten) yet keep separate outboxes and inboxes.
 * Closing a view leaves the shared store open; its owner closes it.
 */
export function schemaView(base: DurableStore, schema: string): DurableStore {
  checkIdentifier('schema', schema);
  const view: DurableStore = {
    kind: base.kind,
    schema,
    table: (name) => `"${schema}"."${checkIdentifier('table', name)}"`,
    query: (text, params) => base.query(text, params),
    exec: (script) => base.exec(script),
    transaction: (work) => base.transaction((tx) => work(rebind(tx, view))),
    listen: (channel, onNotification, onReconnect) => base.listen(channel, onNotification, onReconnect),
    close: async () => undefined,
  };
  return view;
}

/** The outbox checks a transaction belongs to its store: a view's transactions say they are the view's. */
function rebind(tx: Transaction, store: DurableStore): Transaction {
  return { store, query: (text, params) => tx.query(text, params), exec: (script) => tx.exec(script) };
}
