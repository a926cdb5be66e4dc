/**
 * The one small interface the outbox, inbox and sagas need from a database: queries,
 * transactions and notifications. Two implementations: PostgreSQL through `pg` (production)
 * and PGlite (embedded, the default: no server to install).
 *
 * eventplane's tables live in their own schema (`eventplane` by default), so they never collide
 * with a service's tables, and several services can share one database by choosing different
 * schemas.
 */
import { AsyncLocalStorage } from 'node:async_hooks';

export interface QueryResult<R> {
  readonly rows: R[];
  /** Rows returned, or affected by INSERT/UPDATE/DELETE. */
  readonly rowCount: number;
}

export interface Sql {
  /** One statement with `$1`-style parameters. Objects are not serialised for you: pass JSON as a string with `$n::jsonb`. */
  query<R = Record<string, unknown>>(text: string, params?: readonly unknown[]): Promise<QueryResult<R>>;
  /** Several statements, no parameters (migrations). */
  exec(script: string): Promise<void>;
}

/** A handle on an open transaction. Everything done through it commits or rolls back together. */
export interface Transaction extends Sql {
  /** The store the transaction belongs to; the outbox checks it is given a transaction of its own store. */
  readonly store: DurableStore;
}

export type StoreKind = 'postgres' | 'pglite';

export interface DurableStore extends Sql {
  readonly kind: StoreKind;
  /** The schema holding eventplane's tables, already validated and safe to interpolate once quoted by `table()`. */
  readonly schema: string;
  /** `"schema"."name"`: a table of eventplane's schema, quoted for SQL text. */
  table(name: string): string;
  /**
   * Runs `work` in a transaction: COMMIT when it resolves, ROLLBACK when it throws. Use the
   * handle it receives; calling the store itself from inside throws (on PGlite, a single
   * connection, it would wait for the transaction forever).
   */
  transaction<T>(work: (tx: Transaction) => Promise<T>): Promise<T>;
  /**
   * LISTEN on a channel. `onReconnect` runs after the listening connection was lost and
   * re-established, when notifications may have been missed. Resolves to an unlisten function.
   */
  listen(channel: string, onNotification: (payload: string) => void, onReconnect?: () => void): Promise<() => Promise<void>>;
  close(): Promise<void>;
}

export class StoreMisuseError extends Error {
  override readonly name = 'StoreMisuseError';
}

const IDENTIFIER = /^[a-z_][a-z0-9_]{0,62}$/;

/** Schema and channel names go into SQL text, so they are restricted to plain identifiers. */
export function checkIdentifier(kind: string, name: string): string {
  if (!IDENTIFIER.test(name)) {
    throw new StoreMisuseError(`${kind} "${name}" is not a plain SQL identifier (lowercase letters, digits, _; at most 63)`);
  }
  return name;
}

/**
 * What both stores share: the schema, table naming, and the guard against the one mistake that
 * hangs PGlite and silently escapes the transaction on PostgreSQL — using the store (instead of
 * the transaction handle) inside `transaction()`.
 */
export abstract class GuardedStore implements DurableStore {
  abstract readonly kind: StoreKind;
  readonly schema: string;
  private readonly active = new AsyncLocalStorage<true>();

  protected constructor(schema: string) {
    this.schema = checkIdentifier('schema', schema);
  }

  table(name: string): string {
    return `"${this.schema}"."${checkIdentifier('table', name)}"`;
  }

  query<R = Record<string, unknown>>(text: string, params?: readonly unknown[]): Promise<QueryResult<R>> {
    this.assertOutside('query()');
    return this.runQuery<R>(text, params);
  }

  exec(script: string): Promise<void> {
    this.assertOutside('exec()');
    return this.runExec(script);
  }

  transaction<T>(work: (tx: Transaction) => Promise<T>): Promise<T> {
    this.assertOutside('transaction()');
    return this.active.run(true, () => this.runTransaction(work));
  }

  protected abstract runQuery<R>(text: string, params?: readonly unknown[]): Promise<QueryResult<R>>;
  protected abstract runExec(script: string): Promise<void>;
  protected abstract runTransaction<T>(work: (tx: Transaction) => Promise<T>): Promise<T>;
  abstract listen(channel: string, onNotification: (payload: string) => void, onReconnect?: () => void): Promise<() => Promise<void>>;
  abstract close(): Promise<void>;

  private assertOutside(what: string): void {
    if (this.active.getStore()) {
      throw new StoreMisuseError(
        `store.${what} called inside store.transaction(): use the transaction handle it gave you (tx.query), ` +
          'or run this after the transaction has finished',
      );
    }
  }
}
