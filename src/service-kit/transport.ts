/**
 * Where a service's bus comes from. A process of its own connects to RabbitMQ as the service's
 * own broker user (AMQP_URL plus AMQP_USERNAME/AMQP_PASSWORD, from the topology's users);
 * services sharing one process on the in-memory transport are handed a bus by their host.
 */
import type { Registry } from 'prom-client';
import { createAmqpBus } from '../runtime/amqp-bus.js';
import { createInMemoryBus } from '../runtime/memory-bus.js';
import { InMemoryBroker } from '../runtime/memory/memory-broker.js';
import type { Bus } from '../runtime/bus.js';
import type { SendDescriptor, ServiceDescriptor } from '../runtime/contract.js';
import type { Inbox } from '../runtime/inbox.js';
import type { RuntimeLogger } from '../runtime/logger.js';
import type { TopologyDocument } from '../topology/types.js';

export interface BusRequest {
  readonly service: ServiceDescriptor;
  /** Every send of the service: their exchanges are checked at start-up. */
  readonly sends: readonly SendDescriptor<any, any>[];
  readonly inbox: Inbox;
  readonly logger: RuntimeLogger;
  readonly metrics: Registry;
  readonly shutdownGraceMs: number;
}

export interface Transport {
  readonly kind: 'amqp' | 'memory';
  createBus(request: BusRequest): Promise<Bus>;
}

export interface AmqpSettings {
  /** One or more URLs, comma-separated (one per cluster node). */
  readonly url: string;
  readonly username?: string;
  readonly password?: string;
  /** How long start-up waits for the first connection. */
  readonly connectTimeoutMs?: number;
}

/** The node URLs with the service's credentials put in (credentials given apart win over the URL's). */
export function amqpUrls(settings: AmqpSettings): string[] {
  return settings.url
    .split(',')
    .map((part) => part.trim())
    .filter((part) => part !== '')
    .map((part) => {
      const url = new URL(part);
      if (settings.username !== undefined) url.username = encodeURIComponent(settings.username);
      if (settings.password !== undefined) url.password = encodeURIComponent(settings.password);
      return url.toString();
    });
}

export function amqpTransport(settings: AmqpSettings): Transport {
  const urls = amqpUrls(settings);
  return {
    kind: 'amqp',
    createBus: (request) =>
      createAmqpBus({
        urls,
        service: request.service,
        sends: request.sends,
        inbox: request.inbox,
        logger: request.logger,
        metrics: request.metrics,
        shutdownGraceMs: request.shutdownGraceMs,
        ...(settings.connectTimeoutMs !== undefined ? { connectTimeoutMs: settings.connectTimeoutMs } : {}),
      }),
  };
}

/**
 * Services sharing one process talk through in-memory brokers, one per system (vhost), each
 * loaded with its part of the topology — so every queue exists, also those of services not
 * running, and routing, retries and dead letters behave as on RabbitMQ.
 */
export function memoryTransport(topology: TopologyDocument): Transport & { readonly brokers: ReadonlyMap<string, InMemoryBroker>; close(): void } {
  const brokers = new Map<string, InMemoryBroker>();
  for (const { name } of topology.vhosts) {
    const broker = new InMemoryBroker();
    broker.loadTopology(topologyOfVhost(topology, name));
    brokers.set(name, broker);
  }
  return {
    kind: 'memory',
    brokers,
    createBus: async (request) => {
      const broker = brokers.get(request.service.vhost);
      if (!broker) throw new Error(`the topology has no vhost ${request.service.vhost} for ${request.service.id}: run \`npm run generate\``);
      return createInMemoryBus({
        service: request.service,
        broker,
        inbox: request.inbox,
        logger: request.logger,
        metrics: request.metrics,
        shutdownGraceMs: request.shutdownGraceMs,
      });
    },
    close() {
      for (const broker of brokers.values()) broker.close();
    },
  };
}

/** The part of a topology in one vhost. */
export function topologyOfVhost(topology: TopologyDocument, vhost: string): TopologyDocument {
  const mine = <T extends { readonly vhost: string }>(items: readonly T[]) => items.filter((item) => item.vhost === vhost);
  return {
    ...topology,
    vhosts: topology.vhosts.filter((v) => v.name === vhost),
    exchanges: mine(topology.exchanges),
    queues: mine(topology.queues),
    bindings: mine(topology.bindings),
    policies: mine(topology.policies),
    users: mine(topology.users),
    permissions: mine(topology.permissions),
    topicPermissions: mine(topology.topicPermissions),
  };
}
