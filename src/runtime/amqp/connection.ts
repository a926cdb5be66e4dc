/**
 * One AMQP connection that stays up: it tries the node URLs in turn, reconnects with exponential
 * backoff and jitter after a loss, and tells its users (publisher, consumers) each time a new
 * connection is ready so they re-create their channels. The broker's `blocked`/`unblocked`
 * (memory or disk alarm) is exposed so the publisher can hold publishes instead of piling them
 * into a socket the broker has stopped reading.
 */
import { EventEmitter } from 'node:events';
import { hostname } from 'node:os';
import amqp, { type ChannelModel } from 'amqplib';
import { backoffDelay, RECONNECT_BACKOFF, type BackoffOptions } from '../backoff.js';
import { BrokerUnreachableError, BusClosedError } from '../errors.js';
import { redactUrl, type RuntimeLogger } from '../logger.js';
import { coalesceWrites, socketOf } from './coalesced-writes.js';

export interface AmqpConnectionOptions {
  readonly urls: readonly string[];
  /** Shown in the management UI and used by operators to find this process. */
  readonly connectionName: string;
  readonly heartbeatSeconds?: number;
  readonly backoff?: BackoffOptions;
  readonly logger: RuntimeLogger;
}

export type ConnectionState = 'connecting' | 'connected' | 'reconnecting' | 'closed';

export interface ConnectionEvents {
  connected: [connection: ChannelModel];
  disconnected: [error: Error | undefined];
  blocked: [reason: string];
  unblocked: [];
}

export class AmqpConnection extends EventEmitter<ConnectionEvents> {
  state: ConnectionState = 'connecting';
  current: ChannelModel | undefined;
  /** Username of the current connection: the broker checks `user_id` against it. */
  user: string | undefined;
  blocked = false;
  /** While blocked: the broker's reason (`low on memory`, `low on disk`) and since when (epoch ms). */
  blockedReason: string | undefined;
  blockedSince: number | undefined;
  reconnects = 0;
  private nextUrl = 0;
  private attempt = 0;
  private lastError = 'not tried yet';
  private timer: NodeJS.Timeout | undefined;
  private unblockWaiters: Array<() => void> = [];
  private connectedWaiters: Array<{ resolve: () => void; reject: (error: Error) => void }> = [];
  private readonly backoff: BackoffOptions;
  private readonly logger: RuntimeLogger;

  constructor(private readonly options: AmqpConnectionOptions) {
    super();
    if (options.urls.length === 0) throw new Error('createAmqpBus: `urls` is empty');
    this.backoff = options.backoff ?? RECONNECT_BACKOFF;
    this.logger = options.logger;
  }

  /** Starts connecting; resolves on the first connection, rejects if none succeeds within `timeoutMs`. */
  start(timeoutMs: number): Promise<void> {
    const first = this.whenConnected();
    void this.connectLoop();
    if (!Number.isFinite(timeoutMs)) return first;
    let timer: NodeJS.Timeout;
    const deadline = new Promise<never>((_, reject) => {
      timer = setTimeout(() => {
        reject(new BrokerUnreachableError(this.options.urls.map(redactUrl), this.lastError));
        void this.close();
      }, timeoutMs);
    });
    return Promise.race([first, deadline]).finally(() => clearTimeout(timer));
  }

  whenConnected(): Promise<void> {
    if (this.state === 'connected') return Promise.resolve();
    if (this.state === 'closed') return Promise.reject(new BusClosedError());
    return new Promise((resolve, reject) => this.connectedWaiters.push({ resolve, reject }));
  }

  /** Resolves when the broker is not blocking publishers. */
  whenUnblocked(): Promise<void> {
    if (!this.blocked) return Promise.resolve();
    return new Promise((resolve) => this.unblockWaiters.push(resolve));
  }

  async close(): Promise<void> {
    if (this.state === 'closed') return;
    this.state = 'closed';
    clearTimeout(this.timer);
    const connection = this.current;
    this.current = undefined;
    for (const waiter of this.connectedWaiters.splice(0)) waiter.reject(new BusClosedError());
    this.releaseBlocked();
    if (connection) await connection.close().catch(() => {});
  }

  private async connectLoop(): Promise<void> {
    const urls = this.options.urls;
    while (this.state === 'connecting' || this.state === 'reconnecting') {
      const url = urls[this.nextUrl % urls.length]!;
      this.nextUrl++;
      try {
        const connection = await amqp.connect(withHeartbeat(url, this.options.heartbeatSeconds ?? 15), {
          clientProperties: { connection_name: this.options.connectionName, information: `eventplane on ${hostname()} pid ${process.pid}` },
          timeout: 10_000,
          // TCP_NODELAY: a request, a reply and an ack are small writes; with Nagle each waits for
          // the peer's delayed ACK, which made one request in flight tens of milliseconds slow.
          noDelay: true,
        });
        // …and what amqplib writes in one burst leaves in one segment, not one per frame.
        const socket = socketOf(connection);
        if (socket !== undefined) coalesceWrites(socket);
        if ((this.state as ConnectionState) === 'closed') {
          await connection.close().catch(() => {});
          return;
        }
        this.adopt(connection, url);
        return;
      } catch (error) {
        this.lastError = (error as Error).message;
        this.attempt++;
        // A full lap over the node list failed: back off before the next lap.
        const delay = this.attempt % urls.length === 0 ? backoffDelay(this.attempt / urls.length, this.backoff) : 0;
        this.logger.warn({ url: redactUrl(url), err: { message: this.lastError }, retryInMs: delay }, 'broker connection failed');
        if (delay > 0) await new Promise<void>((resolve) => (this.timer = setTimeout(resolve, delay)));
      }
    }
  }

  private adopt(connection: ChannelModel, url: string): void {
    const wasReconnect = this.state === 'reconnecting';
    this.current = connection;
    this.user = usernameOf(url);
    this.state = 'connected';
    this.attempt = 0;
    // A new connection starts unblocked; the broker says `blocked` again if its alarm still holds.
    this.blocked = false;
    this.blockedReason = undefined;
    this.blockedSince = undefined;
    connection.on('error', (error: Error) => {
      this.lastError = error.message;
    });
    connection.on('blocked', (reason: string) => {
      this.blocked = true;
      this.blockedReason = reason;
      this.blockedSince = Date.now();
      this.logger.warn({ reason }, 'broker blocked publishing (resource alarm): publishes wait');
      this.emit('blocked', reason);
    });
    connection.on('unblocked', () => {
      this.releaseBlocked();
      this.logger.info({}, 'broker unblocked publishing');
      this.emit('unblocked');
    });
    connection.on('close', (error?: Error) => {
      if (this.current !== connection) return;
      this.current = undefined;
      this.releaseBlocked();
      if (this.state === 'closed') return;
      this.state = 'reconnecting';
      this.lastError = error?.message ?? 'connection closed';
      this.logger.warn({ err: { message: this.lastError } }, 'broker connection lost: reconnecting');
      this.emit('disconnected', error);
      void this.connectLoop();
    });
    if (wasReconnect) this.reconnects++;
    this.logger.info({ url: redactUrl(url), reconnect: wasReconnect }, 'connected to broker');
    for (const waiter of this.connectedWaiters.splice(0)) waiter.resolve();
    this.emit('connected', connection);
  }

  private releaseBlocked(): void {
    this.blocked = false;
    this.blockedReason = undefined;
    this.blockedSince = undefined;
    for (const resolve of this.unblockWaiters.splice(0)) resolve();
  }
}

function withHeartbeat(url: string, seconds: number): string {
  const parsed = new URL(url);
  if (!parsed.searchParams.has('heartbeat')) parsed.searchParams.set('heartbeat', String(seconds));
  return parsed.toString();
}

/** The user an amqp:// URL logs in as (what the broker checks user_id against). */
export function usernameOf(url: string): string | undefined {
  const name = new URL(url).username;
  return name ? decodeURIComponent(name) : undefined;
}
