/**
 * defineService / startService: everything a service needs besides its own domain code.
 *
 * A service module declares who it is (the generated ServiceDescriptor), what it sends (the
 * generated send descriptors), its extra environment variables, its migrations, and a `setup`
 * that adds routes and returns how to subscribe its generated handlers. startService then:
 *
 *   config (validated) → logger → database (migrations) → bus (its own broker user) → HTTP app
 *   (/healthz /readyz /metrics /docs) → setup → outbox relay → sagas → subscriptions → listen
 *
 * and `close()` undoes it in the order that loses nothing: stop taking requests, stop consuming
 * and let in-flight handlers commit, stop the sagas' timers, flush the outbox relay, close the
 * bus (waiting for confirms), close the database.
 */
import { collectDefaultMetrics, Registry } from 'prom-client';
import type { DestinationStream, Logger } from 'pino';
import { Housekeeper } from '../durable/housekeeping.js';
import { DurableInbox, type TransactionalHandler } from '../durable/inbox.js';
import { Outbox } from '../durable/outbox.js';
import { OutboxRelay } from '../durable/outbox-relay.js';
import type { SagaDefinition } from '../durable/saga/definition.js';
import { SagaEngine } from '../durable/saga/engine.js';
import type { DurableStore, Transaction } from '../durable/store.js';
import type { Bus } from '../runtime/bus.js';
import type { Delivery, EventPublisher, EventSubscriber, Handler, SendDescriptor, ServiceDescriptor, Subscription } from '../runtime/contract.js';
import { ConfigError, loadConfig, redactConfig, type BaseConfig, type EnvSchema } from './config.js';
import { defaultSchemaOf, openServiceDatabase, type ServiceDatabase } from './database.js';
import { createHttpApp, DependencyBlockedError, type ServiceApp } from './http-app.js';
import { createLogger } from './logger.js';
import { outboxPublisher } from './outbox-publisher.js';
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
  const config = loadConfig(service.id, definition.env ?? NO_ENV, env, options.transport ? [] : ['AMQP_URL']);
  const transport = options.transport ?? transportFromConfig(service.id, config);
  const log = createLogger({ service: service.id, level: config.LOG_LEVEL, ...(options.logDestination ? { destination: options.logDestination } : {}) });
  log.info({ config: redactConfig(config as Record<string, unknown>, definition.env), transport: transport.kind }, 'starting');

  const metrics = new Registry();
  metrics.setDefaultLabels({ service: service.id });
  if (options.processMetrics ?? true) collectDefaultMetrics({ register: metrics });

  const closers: Array<() => Promise<void>> = [];
  const stop = async () => {
    for (const close of closers.splice(0).reverse()) {
      await close().catch((error: unknown) => log.error({ err: error }, 'shutdown step failed'));
    }
  };
  try {
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
    closers.push(() => db.close());
    const store = db.store;
    const outbox = new Outbox(store);
    const inbox = new DurableInbox(store);

    const bus = await transport.createBus({
      service,
      sends: definition.sends,
      inbox,
      logger: log,
      metrics,
      shutdownGraceMs: Math.max(1_000, config.SHUTDOWN_TIMEOUT_MS - 5_000),
    });
    closers.push(() => bus.close());

    const relay = new OutboxRelay({ store, publisher: bus, service: service.id, sends: definition.sends, registry: metrics, logger: log });
    closers.push(() => relay.stop());

    const starters: Array<() => Promise<void> | void> = [];
    const stoppers: Array<() => Promise<void> | void> = [];
    let engine: SagaEngine | undefined;
    const crashAfterCommit = config.EVENTPLANE_TEST_CRASH_AFTER_COMMIT;
    const afterCommit = (delivery: Delivery) => {
      if (crashAfterCommit !== undefined && delivery.name === crashAfterCommit) {
        log.warn({ message: delivery.name, messageId: delivery.envelope.messageId }, 'EVENTPLANE_TEST_CRASH_AFTER_COMMIT: committed, killing this process before the ack');
        process.kill(process.pid, 'SIGKILL');
      }
    };

    const app = await createHttpApp({
      service: service.id,
      ...(definition.description ? { description: definition.description } : {}),
      ...(definition.version ? { version: definition.version } : {}),
      logger: log,
      metrics,
      readiness: () => [
        {
          name: 'broker',
          check: async () => {
            const health = bus.health();
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

    const kit: ServiceKit<C> = {
      service,
      config: config as unknown as C,
      log,
      app,
      db,
      store,
      outbox,
      inbox,
      metrics,
      transport: transport.kind,
      publisherIn: (tx) => outboxPublisher(outbox, tx),
      handle: (consumer, handler) => {
        const handle = inbox.handle(consumer, handler);
        return async (delivery, context) => {
          await handle(delivery, context);
          afterCommit(delivery);
        };
      },
      sagas: (definitions) => {
        if (engine) throw new Error('kit.sagas() was called twice: give it every saga of the service at once');
        engine = new SagaEngine({ store, sagas: definitions, outbox, logger: log, registry: metrics });
        const dispatch = engine.dispatch.bind(engine);
        engine.dispatch = async (delivery, context) => {
          const outcomes = await dispatch(delivery, context);
          afterCommit(delivery);
          return outcomes;
        };
        return engine;
      },
      onStart: (work) => starters.push(work),
      onClose: (work) => stoppers.push(work),
      every: (intervalMs, what, work) => {
        let running: Promise<void> | undefined;
        let timer: NodeJS.Timeout | undefined;
        const tick = () => {
          running ??= work()
            .catch((error: unknown) => log.warn({ err: error }, `${what} failed; will try again`))
            .finally(() => {
              running = undefined;
            });
        };
        starters.push(() => {
          timer = setInterval(tick, intervalMs);
          timer.unref();
        });
        stoppers.push(async () => {
          clearInterval(timer);
          await running;
        });
      },
    };
    const parts = (await definition.setup(kit)) ?? {};

    await relay.start();
    if (engine) {
      const started = engine;
      await started.start();
      closers.push(() => started.stop());
    }
    closers.push(async () => {
      for (const work of stoppers.reverse()) await work();
    });
    const subscriptions = parts.subscribe ? await parts.subscribe(bus) : [];
    // Consuming stops first at shutdown, so in-flight handlers commit before anything below closes.
    closers.push(async () => {
      await Promise.all(subscriptions.map((s) => s.cancel()));
    });
    const housekeeper = new Housekeeper(store, { logger: log });
    housekeeper.start();
    closers.push(() => housekeeper.stop());
    for (const work of starters) await work();

    // HTTP closes first of all: no new request starts while the rest winds down.
    closers.push(() => app.close());
    await app.listen({ host: config.HOST, port: config.PORT });
    const address = app.server.address();
    const port = typeof address === 'object' && address ? address.port : config.PORT;
    const url = `http://${config.HOST.includes(':') ? `[${config.HOST}]` : config.HOST}:${port}`;
    log.info({ url, transport: transport.kind, database: store.kind }, 'ready');

    let closing: Promise<void> | undefined;
    return {
      service,
      url,
      port,
      log,
      bus,
      db,
      config,
      close() {
        closing ??= (async () => {
          log.info('shutting down');
          const started = Date.now();
          await stop();
          log.info({ ms: Date.now() - started }, 'stopped');
          log.flush?.();
        })();
        return closing;
      },
    };
  } catch (error) {
    await stop();
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
