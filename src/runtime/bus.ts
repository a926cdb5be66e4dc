/**
 * The Bus: what a service holds. Generated clients see it only as EventPublisher and
 * EventSubscriber (src/runtime/contract.ts); the service itself also starts, checks and stops it.
 * Two transports implement it with the same semantics: AMQP (createAmqpBus) and in-memory
 * (createInMemoryBus).
 */
import type { Registry } from 'prom-client';
import type { EventPublisher, EventRequester, EventSubscriber, ServiceDescriptor } from './contract.js';

export interface ConsumerHealth {
  readonly queue: string;
  readonly state: 'starting' | 'consuming' | 'recovering' | 'stopped';
  readonly inFlight: number;
}

export interface BusHealth {
  /** True when the bus can publish and every subscription is consuming: the /readyz answer. */
  readonly ok: boolean;
  readonly transport: 'amqp' | 'memory';
  readonly connection: 'connecting' | 'connected' | 'reconnecting' | 'closed';
  /** The broker blocks publishing (memory or disk alarm); publishes wait, up to their timeout (then BrokerBlockedError). */
  readonly blocked: boolean;
  /** While blocked: the broker's reason (`low on memory`, `low on disk`) and since when (ISO time). */
  readonly blockedReason?: string;
  readonly blockedSince?: string;
  readonly publisher: { readonly ready: boolean; readonly pending: number };
  /** Requests waiting for their reply. */
  readonly requests: number;
  readonly consumers: readonly ConsumerHealth[];
}

export interface Bus extends EventPublisher, EventSubscriber, EventRequester {
  readonly service: ServiceDescriptor;
  /** Where the runtime's metrics are registered (serve it on /metrics). */
  readonly metrics: Registry;
  /** Resolves once the transport is connected. */
  ready(): Promise<void>;
  health(): BusHealth;
  /**
   * Graceful stop: stop consuming, let in-flight handlers finish and settle (bounded by
   * `shutdownGraceMs`), wait for outstanding publish confirms, then disconnect.
   */
  close(): Promise<void>;
}
