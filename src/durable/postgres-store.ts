/**
 * PostgreSQL through `pg`: a pool for queries and transactions, and one dedicated connection
 * for LISTEN that reconnects by itself (a pooled connection would drop its LISTENs when it is
 * recycled).
 */
import pg from 'pg';
import { checkIdentifier, GuardedStore, type QueryResult, type Transaction } from './store.js';

export interface PostgresStoreOptions {
  readonly connectionString: string;
  readonly schema: string;
  /** Pool size (default 10). */
  readonly maxConnections?: number;
  /** Reported to PostgreSQL as application_name (visible in pg_stat_activity). */
  readonly applicationName?: string;
}

type Queryable = Pick<pg.ClientBase, 'query'>;

async function run<R>(client: Queryable, text: string, params?: readonly unknown[]): Promise<QueryResult<R>> {
  const result = await client.query(text, params as unknown[] | undefined);
  return { rows: result.rows as R[], rowCount: result.rowCount ?? result.rows.length };
}

export class PostgresStore extends GuardedStore {
  readonly kind = 'postgres' as const;
  private readonly pool: pg.Pool;
  private readonly listeners = new Set<PostgresListener>();

  constructor(private readonly options: PostgresStoreOptions) {
    super(options.schema);
    this.pool = new pg.Pool({
      connectionString: options.connectionString,
      max: options.maxConnections ?? 10,
      application_name: options.applicationName ?? 'eventplane',
    });
    // An idle client that loses its connection emits here; without a listener it would crash the process.
    this.pool.on('error', () => undefined);
  }

  protected runQuery<R>(text: string, params?: readonly unknown[]): Promise<QueryResult<R>> {
    return run<R>(this.pool, text, params);
  }

  protected async runExec(script: string): Promise<void> {
    await this.pool.query(script);
  }

  protected async runTransaction<T>(work: (tx: Transaction) => Promise<T>): Promise<T> {
    const client = await this.pool.connect();
    let broken: Error | undefined;
    try {
      await client.query('BEGIN');
      const tx: Transaction = {
        store: this,
        query: (text, params) => run(client, text, params),
        exec: async (script) => {
          await client.query(script);
        },
      };
      try {
        const result = await work(tx);
        await client.query('COMMIT');
        return result;
      } catch (error) {
        await client.query('ROLLBACK').catch((rollbackError: Error) => {
          broken = rollbackError;
        });
        throw error;
      }
    } finally {
      // A client whose ROLLBACK failed is in an unknown state: destroy it rather than reuse it.
      client.release(broken);
    }
  }

  async listen(channel: string, onNotification: (payload: string) => void, onReconnect?: () => void) {
    checkIdentifier('channel', channel);
    const listener = new PostgresListener(this.options, channel, onNotification, onReconnect);
    await listener.start();
    this.listeners.add(listener);
    return async () => {
      this.listeners.delete(listener);
      await listener.stop();
    };
  }

  async close(): Promise<void> {
    await Promise.all([...this.listeners].map((listener) => listener.stop()));
    this.listeners.clear();
    await this.pool.end();
  }
}

/** One LISTEN connection with reconnect (backoff 100 ms → 5 s). */
class PostgresListener {
  private client: pg.Client | undefined;
  private stopped = false;
  private retryTimer: NodeJS.Timeout | undefined;
  private failures = 0;

  constructor(
    private readonly options: PostgresStoreOptions,
    private readonly channel: string,
    private readonly onNotification: (payload: string) => void,
    private readonly onReconnect?: () => void,
  ) {}

  async start(): Promise<void> {
    const client = new pg.Client({
      connectionString: this.options.connectionString,
      application_name: `${this.options.applicationName ?? 'eventplane'}-listen`,
    });
    client.on('notification', (message) => {
      if (message.channel === this.channel) this.onNotification(message.payload ?? '');
    });
    client.on('error', () => this.lost(client));
    client.on('end', () => this.lost(client));
    await client.connect();
    await client.query(`LISTEN "${this.channel}"`);
    if (this.stopped) {
      await client.end();
      return;
    }
    this.client = client;
    this.failures = 0;
  }

  private lost(client: pg.Client): void {
    if (this.stopped || this.client !== client) return;
    this.client = undefined;
    client.end().catch(() => undefined);
    this.scheduleReconnect();
  }

  private scheduleReconnect(): void {
    if (this.stopped) return;
    const delay = Math.min(5_000, 100 * 2 ** this.failures++);
    this.retryTimer = setTimeout(() => {
      this.start().then(
        () => this.onReconnect?.(),
        () => this.scheduleReconnect(),
      );
    }, delay);
    this.retryTimer.unref();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.retryTimer);
    const client = this.client;
    this.client = undefined;
    await client?.end().catch(() => undefined);
  }
}
