/**
 * PGlite: PostgreSQL compiled to WebAssembly, in this process. One connection, so transactions
 * run one at a time (PGlite queues them); `FOR UPDATE SKIP LOCKED` and LISTEN/NOTIFY work as on
 * a server, within the instance. A data directory makes it durable; without one it lives in
 * memory (tests). One process per data directory.
 */
import { PGlite } from '@electric-sql/pglite';
import { tracedQuery } from './pglite-spans.js';
import { checkIdentifier, GuardedStore, type QueryResult, type Transaction } from './store.js';

export interface PGliteStoreOptions {
  /** A directory for the database files; in memory when absent. */
  readonly dataDir?: string;
  readonly schema: string;
}

interface PGliteQueryable {
  query<T>(text: string, params?: unknown[]): Promise<{ rows: T[]; affectedRows?: number }>;
  exec(script: string): Promise<unknown>;
}

async function run<R>(db: PGliteQueryable, schema: string, text: string, params?: readonly unknown[]): Promise<QueryResult<R>> {
  const result = await tracedQuery(schema, text, () => db.query<R>(text, params as unknown[] | undefined));
  // PGlite reports affectedRows for writes and leaves it 0 for SELECT.
  return { rows: result.rows, rowCount: Math.max(result.affectedRows ?? 0, result.rows.length) };
}

export class PGliteStore extends GuardedStore {
  readonly kind = 'pglite' as const;

  private constructor(
    private readonly db: PGlite,
    schema: string,
  ) {
    super(schema);
  }

  static async open(options: PGliteStoreOptions): Promise<PGliteStore> {
    const schema = checkIdentifier('schema', options.schema);
    const db = await PGlite.create(options.dataDir);
    return new PGliteStore(db, schema);
  }

  protected runQuery<R>(text: string, params?: readonly unknown[]): Promise<QueryResult<R>> {
    return run<R>(this.db, this.schema, text, params);
  }

  protected async runExec(script: string): Promise<void> {
    await tracedQuery(this.schema, script, () => this.db.exec(script));
  }

  protected runTransaction<T>(work: (tx: Transaction) => Promise<T>): Promise<T> {
    return this.db.transaction(async (inner) => {
      const tx: Transaction = {
        store: this,
        query: (text, params) => run(inner, this.schema, text, params),
        exec: async (script) => {
          await tracedQuery(this.schema, script, () => inner.exec(script));
        },
      };
      return work(tx);
    });
  }

  async listen(channel: string, onNotification: (payload: string) => void) {
    checkIdentifier('channel', channel);
    const unlisten = await this.db.listen(channel, onNotification);
    return async () => {
      if (!this.db.closed) await unlisten();
    };
  }

  async close(): Promise<void> {
    if (!this.db.closed) await this.db.close();
  }
}
