/**
 * Everything durable a service needs, wired once: the store (PostgreSQL or PGlite, migrated),
 * its outbox and relay, the transactional inbox, the saga engine and retention housekeeping.
 *
 *   const durable = await openDurableState({ ...storeOptionsFromEnv(), publisher: bus, service: 'shop/order', sends });
 *   await durable.start();                      // relay, saga timeouts, housekeeping
 *   await durable.store.transaction(async (tx) => {
 *     await tx.query('INSERT INTO orders …');
 *     await durable.outbox.add(tx, { send: publishOrderCreated, payload, aggregateId: orderId });
 *   });
 *   await bus.subscribe(paymentEvents, durable.inbox.handle(paymentEvents, async (delivery, ctx, tx) => { … }));
 *   await durable.close();                      // after the bus stopped consuming
 *
 * The service kit opens its state the same way, over the service's database (`store`), and
 * adds its sagas while the service sets up (`useSagas`), before `start()`.
 */
import type { Registry } from 'prom-client';
import type { EventPublisher, SendDescriptor } from '../runtime/contract.js';
import type { RuntimeLogger } from '../runtime/logger.js';
import { Housekeeper, type RetentionOptions } from './housekeeping.js';
import { DurableInbox } from './inbox.js';
import { openStore, type StoreOptions } from './open-store.js';
import { Outbox } from './outbox.js';
import { OutboxRelay, type OutboxRelayOptions } from './outbox-relay.js';
import type { SagaDefinition } from './saga/definition.js';
import { SagaEngine } from './saga/engine.js';
import type { DurableStore } from './store.js';

export interface DurableStateOptions extends StoreOptions {
  /** An open store to use (closed with the state) instead of opening one from the options above. */
  readonly store?: DurableStore;
  /** The bus the relay publishes through. */
  readonly publisher: EventPublisher;
  /** The service id: the relay publishes only this service's events. */
  readonly service?: string;
  /** The service's send descriptors, so relayed publishes are validated by the real validators. */
  readonly sends?: readonly SendDescriptor<any, any>[];
  readonly sagas?: readonly SagaDefinition<any, any, any>[];
  /** Relay tuning (batch size, poll interval, lease, concurrency…). */
  readonly relay?: Omit<OutboxRelayOptions, 'store' | 'publisher' | 'service' | 'sends' | 'registry' | 'logger'>;
  /** Retention windows (7 days each by default) and how often to apply them (hourly). */
  readonly retention?: RetentionOptions & { readonly intervalMs?: number };
  readonly registry?: Registry;
  readonly logger?: RuntimeLogger;
}

export class DurableState {
  readonly outbox: Outbox;
  readonly inbox: DurableInbox;
  readonly relay: OutboxRelay;
  private engine: SagaEngine | undefined;
  private readonly housekeeper: Housekeeper;
  private readonly shared: Pick<DurableStateOptions, 'registry' | 'logger'>;
  private started = false;
  private stopping: Promise<void> | undefined;

  constructor(
    readonly store: DurableStore,
    options: DurableStateOptions,
  ) {
    const shared = { ...(options.registry ? { registry: options.registry } : {}), ...(options.logger ? { logger: options.logger } : {}) };
    this.shared = shared;
    this.outbox = new Outbox(store);
    this.inbox = new DurableInbox(store, options.retention?.inboxMs !== undefined ? { retentionMs: options.retention.inboxMs } : {});
    this.relay = new OutboxRelay({
      ...options.relay,
      ...shared,
      store,
      publisher: options.publisher,
      ...(options.service !== undefined ? { service: options.service } : {}),
      ...(options.sends !== undefined ? { sends: options.sends } : {}),
    });
    if (options.sagas?.length) this.useSagas(options.sagas);
    this.housekeeper = new Housekeeper(store, { ...options.retention, ...(options.logger ? { logger: options.logger } : {}) });
  }

  /** Present when the options listed sagas or `useSagas` was called. */
  get sagas(): SagaEngine | undefined {
    return this.engine;
  }

  /** The saga engine over these sagas (once, before `start()`): every saga of the service at once. */
  useSagas(definitions: readonly SagaDefinition<any, any, any>[]): SagaEngine {
    if (this.engine) throw new Error('the sagas are set already: give every saga of the service at once');
    if (this.started) throw new Error('the durable state has started: set the sagas before start()');
    this.engine = new SagaEngine({ ...this.shared, store: this.store, outbox: this.outbox, sagas: definitions });
    return this.engine;
  }

  /** Starts the relay, the saga timeout scheduler and housekeeping. */
  async start(): Promise<void> {
    this.started = true;
    await this.relay.start();
    await this.sagas?.start();
    this.housekeeper.start();
  }

  /**
   * Stops them, each finishing what it is doing (the relay publishes what it has claimed, so the
   * publisher must still be open); idempotent.
   */
  stop(): Promise<void> {
    this.stopping ??= Promise.all([this.relay.stop(), this.sagas?.stop(), this.housekeeper.stop()]).then(() => undefined);
    return this.stopping;
  }

  /** Stops (if not yet stopped) and closes the store. */
  async close(): Promise<void> {
    await this.stop();
    await this.store.close();
  }
}

export async function openDurableState(options: DurableStateOptions): Promise<DurableState> {
  return new DurableState(options.store ?? (await openStore(options)), options);
}
