/**
 * The topology document (`generated/topology.json`): the one place where RabbitMQ objects are
 * decided. The compiler writes it from the contract model; the Pulumi program, the local
 * cluster tool and the runtime's start-up checks read it and must agree.
 *
 * Flat lists with a `vhost` on each entry, like RabbitMQ's own definitions, so the three
 * readers can diff and iterate without walking a tree. Every list is sorted (vhost, name)
 * so the file is byte-identical on rerun.
 *
 * Queue arguments stay minimal (only `x-queue-type`, which a policy cannot set); everything
 * else — dead-lettering, limits, TTLs — lives in one merged policy per queue, because
 * changing a queue's arguments means deleting it and its messages.
 */
export const TOPOLOGY_FORMAT_VERSION = 1 as const;

export type ExchangeType = 'topic' | 'direct' | 'fanout' | 'headers';
export type QueueType = 'quorum' | 'classic';
export type ArgumentValue = string | number | boolean;

export interface TopologyDocument {
  readonly formatVersion: typeof TOPOLOGY_FORMAT_VERSION;
  readonly vhosts: readonly TopologyVhost[];
  readonly exchanges: readonly TopologyExchange[];
  readonly queues: readonly TopologyQueue[];
  readonly bindings: readonly TopologyBinding[];
  readonly policies: readonly TopologyPolicy[];
  readonly users: readonly TopologyUser[];
  readonly permissions: readonly TopologyPermission[];
  readonly topicPermissions: readonly TopologyTopicPermission[];
}

/** One vhost per system. */
export interface TopologyVhost {
  readonly name: string;
  readonly system: string;
}

export interface TopologyExchange {
  readonly vhost: string;
  readonly name: string;
  readonly type: ExchangeType;
  readonly durable: true;
  readonly autoDelete: false;
  readonly internal: false;
  /**
   * events: a system's topic exchange; commands: a direct work-queue exchange;
   * retry: a service's delay ladder; dead-letter: a service's DLX.
   */
  readonly role: 'events' | 'commands' | 'retry' | 'dead-letter';
  /** Service id (`system/service`) that owns a retry or dead-letter exchange. */
  readonly service?: string;
}

export interface TopologyQueue {
  readonly vhost: string;
  readonly name: string;
  readonly type: QueueType;
  readonly durable: true;
  readonly autoDelete: false;
  /** Only what a policy cannot set: `{ "x-queue-type": "quorum" }`. */
  readonly arguments: Readonly<Record<string, ArgumentValue>>;
  /**
   * consumer: fed by bindings; retry: a delay step; dead-letter: the end of the line; reply: a
   * fixed reply queue its requester(s) consume, fed through the default exchange.
   */
  readonly role: 'consumer' | 'retry' | 'dead-letter' | 'reply';
  /** Service id (`system/service`) that consumes it (or owns its retry/DLQ; the first requester of a reply queue). */
  readonly service: string;
  /** The receive operation ids this queue serves (consumer queues). */
  readonly operations: readonly string[];
  /** For consumer queues: the retry queues in ladder order and the dead-letter queue. */
  readonly retryQueues?: readonly string[];
  readonly deadLetterQueue?: string;
  /** For retry queues: the delay of this step and the queue it returns to. */
  readonly delayMs?: number;
  readonly returnsTo?: string;
  /** For retry and dead-letter queues: the consumer queue they belong to. */
  readonly parentQueue?: string;
  /** Alert thresholds the monitoring derives from the contract. */
  readonly alerts: TopologyQueueAlerts;
}

export interface TopologyQueueAlerts {
  /** Messages ready above which the queue is "growing" (default 1000, saas.md). */
  readonly depth?: number;
  /** Dead-letter queue depth for a warning (default 1) and a page (default 100, shop.md). */
  readonly deadLetterWarn?: number;
  readonly deadLetterPage?: number;
  /** A receive operation exists, so zero consumers is an incident. */
  readonly requireConsumer?: boolean;
}

export interface TopologyBinding {
  readonly vhost: string;
  readonly source: string;
  readonly destination: string;
  readonly destinationType: 'queue' | 'exchange';
  readonly routingKey: string;
  readonly arguments: Readonly<Record<string, ArgumentValue>>;
}

export interface TopologyPolicy {
  readonly vhost: string;
  readonly name: string;
  /** Anchored regex matching exactly one queue: `^order\.payments$`. */
  readonly pattern: string;
  readonly applyTo: 'queues';
  readonly priority: number;
  readonly definition: Readonly<Record<string, ArgumentValue>>;
}

/** One broker user per service; passwords are never in the document. */
export interface TopologyUser {
  readonly name: string;
  readonly service: string;
  readonly vhost: string;
  readonly tags: readonly string[];
}

export interface TopologyPermission {
  readonly user: string;
  readonly vhost: string;
  readonly configure: string;
  readonly write: string;
  readonly read: string;
}

/** Routing-key permissions on topic exchanges (RabbitMQ checks these only for topic exchanges). */
export interface TopologyTopicPermission {
  readonly user: string;
  readonly vhost: string;
  readonly exchange: string;
  readonly write: string;
  readonly read: string;
}
