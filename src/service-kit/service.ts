/**
 * defineService / startService: everything a service needs besides its own domain code.
 *
 * A service module declares who it is (the generated ServiceDescriptor), what it sends (the
 * generated send descriptors), its extra environment variables, its migrations, and a `setup`
 * that adds routes and returns how to subscribe its generated handlers. startService opens
 *
 *   config (validated) → logger → database (migrations) → durable state → bus (its own broker
 *   user) → HTTP app (/healthz /readyz /metrics /docs) → setup
 *
 * and leaves starting and stopping to Fastify's lifecycle, in one place below: `onReady` hooks
 * run in the order added (relay and saga timeouts, subscriptions, the service's own start-up
 * work) before the server listens, `onClose` hooks in the reverse order, so `close()` stops
 * taking requests, stops consuming and lets in-flight handlers commit, stops the service's own
 * work, flushes the outbox relay and stops the sagas' timers, closes the bus (waiting for
 * confirms) and closes the database.
 */
import { collectDefaultMetrics, Registry } from 'prom-client';
import type { DestinationStream, Logger } from 'pino';
import { openDurableState, PeriodicTask, type DurableInbox, type DurableStore, type Outbox, type SagaDefinition, type SagaEngine, type Transaction, type TransactionalHandler } from '../durable/index.js';
import type { Bus, Delivery, EventPublisher, EventRequester, EventSubscriber, Handler, SendDescriptor, ServiceDescriptor, Subscription } from '../runtime/index.js';
import { ConfigError, loadConfig, redactConfig, type BaseConfig, type EnvSchema } from './config.js';
import { defaultSchemaOf, openServiceDatabase, type ServiceDatabase } from './database.js';
import { createHttpApp, type ServiceApp } from './http-app.js';
import { DependencyBlockedError } from './operations.js';
import { createLogger } from './logger.js';
import { outboxPublisher } from './outbox-publisher.js';
import { startTracing } from './telemetry/sdk.js';
import { amqpTransport, type Transport } from './transport.js';

const NO_ENV = { type: 'object', properties: {} } as const satisfies EnvSchema;

export interface ServiceParts {
  /** Subscribes the service's handlers, typically `(bus) => subscribeX(bus, handlers)` from the generated client. */
  readonly subscribe?: (bus: EventSubscriber) => Promise<readonly Subscription[]>;
}

export interface ServiceKit<C> {
  readonly service: ServiceDescriptor;
  readonly config: C;
  readonly log: Logger;
  readonly app: ServiceApp;
  readonly db: ServiceDatabase;
  /** eventplane's store (outbox, inbox, sagas); the service's own tables are reached through `db.table()`. */
  readonly store: DurableStore;
  readonly outbox: Outbox;
  readonly inbox: DurableInbox;
  /** The service's Prometheus registry, served on /metrics. */
  readonly metrics: Registry;
  readonly transport: Transport['kind'];
  /** An EventPublisher that writes to the outbox in `tx`: hand it to the generated `createXPublisher`. */
  publisherIn(tx: Transaction): EventPublisher;
  /**
   * Sends requests and waits for their replies (`operation.reply`): hand it to the generated
   * `createXPublisher` for its `requestX` methods. Not through the outbox — a caller waits.
   */
  readonly requester: EventRequester;
  /**
   * A handler whose database writes and inbox row commit in one transaction: a redelivered
   * message (even after a crash between the commit and the ack) is skipped.
   */
  handle<D extends Delivery>(consumer: string | { readonly queue: string }, handler: TransactionalHandler<D>): Handler<D>;
  /** The saga engine over the service's store (created once; started and stopped with the service). */
  sagas(definitions: readonly SagaDefinition<any, any, any>[]): SagaEngine;
  /** Runs once the bus is up and the handlers subscribed (background loops). */
  onStart(work: () => Promise<void> | void): void;
  /** Runs at shutdown, after consuming stopped and before the outbox is flushed. */
  onClose(work: () => Promise<void> | void): void;
  /**
   * Runs `work` every `intervalMs` while the service runs (from start to shutdown), never two at
   * once; a failure is logged as `what failed` and tried again at the next tick.
   */
  every(intervalMs: number, what: string, work: () => Promise<void>): void;
}

/** A service; `C` is its configuration type (see defineService). */
export interface ServiceDefinition<C extends BaseConfig = BaseConfig> {
  readonly service: ServiceDescriptor;
  readonly description?: string;
  readonly version?: string;
  /** Every send of the service (`sendsOf(client)`): checked on the broker at start and re-validated by the relay. */
  readonly sends: readonly SendDescriptor<any, any>[];
  /** The service's own environment variables, beyond the base ones (config.ts). */
  readonly env?: EnvSchema;
  /** Directory of the service's own `NNN_name.sql` migrations. */
  readonly migrationsDir?: string;
  setup(kit: ServiceKit<C>): Promise<ServiceParts | void> | ServiceParts | void;
}

/**
 * Declares a service. With extra variables, state the configuration type from the schema:
 *
 *   const env = { type: 'object', properties: { PRODUCT_URL: { type: 'string' } }, required: ['PRODUCT_URL'] } as const satisfies EnvSchema;
 *   export const cart = defineService<ConfigOf<typeof env>>({ env, … });
 */
export function defineService<C extends BaseConfig = BaseConfig>(definition: ServiceDefinition<C>): ServiceDefinition<C> {
  return definition;
}

export interface StartOptions {
  /** The environment to read (default process.env). */
  readonly env?: Readonly<Record<string, string | undefined>>;
  /** The bus's source; by default AMQP from AMQP_URL (required then). */
  readonly transport?: Transport;
  /** A store shared by the services of one process (PGlite); each service gets its own schemas in it. */
  readonly sharedStore?: DurableStore;
  readonly logDestination?: DestinationStream;
  /** Collect the process's default metrics (CPU, memory, event loop) in this service's registry (default true). */
  readonly processMetrics?: boolean;
}

export interface RunningService {
  readonly service: ServiceDescriptor;
  /** http://host:port */
  readonly url: string;
  readonly port: number;
  readonly log: Logger;
  readonly bus: Bus;
  readonly db: ServiceDatabase;
  readonly config: BaseConfig;
  /** Graceful stop; idempotent. */
  close(): Promise<void>;
}

export async function startService<C extends BaseConfig>(definition: ServiceDefinition<C>, options: StartOptions = {}): Promise<RunningService> {
  const { service } = definition;
  const env = options.env ?? process.env;
  // First: every span after this point (database, publishes, requests) has a provider to go to.
  const tracing = await startTracing(service.id, env);
  const config = loadConfig(service.id, definition.env ?? NO_ENV, env, options.transport ? [] : ['AMQP_URL']);
  const transport = options.transport ?? transportFromConfig(service.id, config);
  const log = createLogger({ service: service.id, level: config.LOG_LEVEL, ...(service.personalData ? { personalData: service.personalData } : {}), ...(options.logDestination ? { destination: options.logDestination } : {}) });
  log.info({ config: redactConfig(config as Record<string, unknown>, definition.env), transport: transport.kind }, 'starting');

  const metrics = new Registry();
  metrics.setDefaultLabels({ service: service.id });
  if (options.processMetrics ?? true) collectDefaultMetrics({ register: metrics });

  const db = await openServiceDatabase({
    schema: config.DATABASE_SCHEMA ?? defaultSchemaOf(service.id),
    applicationName: service.id,
    ...(config.DATABASE_URL !== undefined ? { databaseUrl: config.DATABASE_URL } : {}),
    ...(config.PGLITE_DATA_DIR !== undefined ? { dataDir: config.PGLITE_DATA_DIR } : {}),
    ...(options.sharedStore ? { shared: options.sharedStore } : {}),
    ...(definition.migrationsDir ? { migrationsDir: definition.migrationsDir } : {}),
    onMigrated: (what, result) => {
      if (result.applied.length > 0) log.info({ schema: what, applied: result.applied }, 'migrations applied');
    },
  });
  // The bus takes the durable inbox and the relay publishes through the bus: the relay gets a
  // forwarding publisher, used only once the relay starts (onReady), when the bus exists.
  let bus: Bus | undefined;
  const durable = await openDurableState({
    // Closing it closes the service's database (a no-op for a view of a store shared in-process).
    store: db.store,
    publisher: { publish: (send, payload, publishOptions) => bus!.publish(send, payload, publishOptions) },
    service: service.id,
    sends: definition.sends,
    registry: metrics,
    logger: log,
  });
  let app: ServiceApp | undefined;
  try {
    const connected = await transport.createBus({
      service,
      sends: definition.sends,
      inbox: durable.inbox,
      logger: log,
      metrics,
      shutdownGraceMs: Math.max(1_000, config.SHUTDOWN_TIMEOUT_MS - 5_000),
    });
    bus = connected;
    const { store } = durable;
    const http = await createHttpApp({
      service: service.id,
      ...(definition.description ? { description: definition.description } : {}),
      ...(definition.version ? { version: definition.version } : {}),
      logger: log,
      metrics,
      tracing: tracing !== undefined,
      readiness: () => [
        {
          name: 'broker',
          check: async () => {
            const health = connected.health();
            // A broker alarm blocks publishing: not ready, so traffic goes to instances that can publish.
            if (health.blocked) throw new DependencyBlockedError(`the broker blocks publishers (${health.blockedReason ?? 'resource alarm'}) since ${health.blockedSince ?? 'now'}: publishes wait`);
            if (!health.ok) throw new Error(`transport ${health.transport} is ${health.connection}; consumers: ${health.consumers.map((c) => `${c.queue} ${c.state}`).join(', ') || 'none'}`);
            return { transport: health.transport, consumers: health.consumers.length, pendingConfirms: health.publisher.pending };
          },
        },
        {
          name: 'database',
          check: async () => {
            await store.query('SELECT 1');
            return { kind: store.kind };
          },
        },
      ],
    });
    app = http;

    // Start and stop order. onClose hooks run last-added first, so the database closes last.
    http.addHook('onClose', () => durable.close());
    http.addHook('onClose', () => connected.close());
    http.addHook('onReady', () => durable.start());
    // The relay flushes what it claimed while the bus can still confirm it.
    http.addHook('onClose', () => durable.stop());

    const starting: Array<() => Promise<void> | void> = [];
    const closing: Array<() => Promise<void> | void> = [];
    const kit: ServiceKit<C> = {
      service,
      config: config as unknown as C,
      log,
      app: http,
      db,
      store,
      outbox: durable.outbox,
      inbox: durable.inbox,
      metrics,
      transport: transport.kind,
      publisherIn: (tx) => outboxPublisher(durable.outbox, tx),
      requester: connected,
      handle: (consumer, handler) => durable.inbox.handle(consumer, handler),
      sagas: (definitions) => durable.useSagas(definitions),
      onStart: (work) => starting.push(work),
      onClose: (work) => closing.push(work),
      every: (intervalMs, what, work) => {
        const task = new PeriodicTask(work, { intervalMs, what, logger: log });
        starting.push(() => task.start());
        closing.push(() => task.stop());
      },
    };
    const parts = (await definition.setup(kit)) ?? {};

    const subscriptions: Subscription[] = [];
    http.addHook('onReady', async () => {
      if (parts.subscribe) subscriptions.push(...(await parts.subscribe(connected)));
    });
    // The service's own work starts once the handlers are subscribed and stops after consuming did.
    http.addHook('onReady', async () => {
      for (const work of starting) await work();
    });
    http.addHook('onClose', async () => {
      for (const work of closing.reverse()) await work();
    });
    // Consuming stops first at shutdown, so in-flight handlers commit before anything above closes.
    http.addHook('onClose', async () => {
      await Promise.all(subscriptions.map((s) => s.cancel()));
    });

    await http.listen({ host: config.HOST, port: config.PORT });
    const address = http.server.address();
    const port = typeof address === 'object' && address ? address.port : config.PORT;
    const url = `http://${config.HOST.includes(':') ? `[${config.HOST}]` : config.HOST}:${port}`;
    log.info({ url, transport: transport.kind, database: store.kind }, 'ready');

    let stopping: Promise<void> | undefined;
    return {
      service,
      url,
      port,
      log,
      bus: connected,
      db,
      config,
      close() {
        stopping ??= (async () => {
          log.info('shutting down');
          const started = Date.now();
          await http.close();
          // After the last handler and publish: their spans are in the export.
          await tracing?.shutdown().catch((error: unknown) => log.warn({ err: error }, 'could not export the last spans'));
          log.info({ ms: Date.now() - started }, 'stopped');
          log.flush?.();
        })();
        return stopping;
      },
    };
  } catch (error) {
    // What was added to the app closes with it; before the app, only the durable state was open.
    await tracing?.shutdown().catch(() => undefined);
    if (app) await app.close().catch((failure: unknown) => log.error({ err: failure }, 'shutdown after a failed start failed'));
    else {
      await bus?.close().catch(() => undefined);
      await durable.close().catch(() => undefined);
    }
    throw error;
  }
}

function transportFromConfig(serviceId: string, config: BaseConfig): Transport {
  if (config.AMQP_URL === undefined) {
    throw new ConfigError(serviceId, [
      { variable: 'AMQP_URL', message: "is required: the broker URL with the service's vhost, e.g. amqp://127.0.0.1:5672/shop (user in AMQP_USERNAME/AMQP_PASSWORD)" },
    ]);
  }
  return amqpTransport({
    url: config.AMQP_URL,
    connectTimeoutMs: config.AMQP_CONNECT_TIMEOUT_MS,
    ...(config.AMQP_USERNAME !== undefined ? { username: config.AMQP_USERNAME } : {}),
    ...(config.AMQP_PASSWORD !== undefined ? { password: config.AMQP_PASSWORD } : {}),
  });
}
