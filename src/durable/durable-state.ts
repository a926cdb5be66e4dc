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
  /** Present when the options listed sagas. */
  readonly sagas: SagaEngine | undefined;
  private readonly housekeeper: Housekeeper;

  constructor(
    readonly store: DurableStore,
    options: DurableStateOptions,
  ) {
    const shared = { ...(options.registry ? { registry: options.registry } : {}), ...(options.logger ? { logger: options.logger } : {}) };
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
    this.sagas = options.sagas?.length ? new SagaEngine({ ...shared, store, outbox: this.outbox, sagas: options.sagas }) : undefined;
    this.housekeeper = new Housekeeper(store, { ...options.retention, ...(options.logger ? { logger: options.logger } : {}) });
  }

  /** Starts the relay, the saga timeout scheduler and housekeeping. */
  async start(): Promise<void> {
    await this.relay.start();
    await this.sagas?.start();
    this.housekeeper.start();
  }

  /** Stops them (each finishes what it is doing) and closes the store. */
  async close(): Promise<void> {
    await Promise.all([this.relay.stop(), this.sagas?.stop(), this.housekeeper.stop()]);
    await this.store.close();
  }
}

export async function openDurableState(options: DurableStateOptions): Promise<DurableState> {
  return new DurableState(await openStore(options), options);
}
