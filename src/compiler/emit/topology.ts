/**
 * The topology document: every RabbitMQ object the contracts imply (docs/CONTRACTS.md, "The
 * RabbitMQ objects a contract implies"). Queue arguments hold only the queue type; dead-lettering,
 * limits and TTLs live in one merged policy per queue, so changing them never recreates a queue.
 */
import type { ContractModel, SystemModel } from '../model.js';
import {
  TOPOLOGY_FORMAT_VERSION,
  type ArgumentValue,
  type TopologyBinding,
  type TopologyDocument,
  type TopologyExchange,
  type TopologyPermission,
  type TopologyPolicy,
  type TopologyQueue,
  type TopologyTopicPermission,
  type TopologyUser,
} from '../../topology/types.js';
import { consumerQueues, deadLetterExchange, retryExchange, retryQueue, type ConsumerQueue } from './broker-names.js';

/** The default exchange as permissions name it. */
export const DEFAULT_EXCHANGE = 'amq.default';

/** Above RabbitMQ's default 0, so an operator's catch-all policy does not replace ours. */
export const POLICY_PRIORITY = 10;

/** A regex matching exactly `value` (RabbitMQ policies and permissions are PCRE). */
export function exactly(value: string): string {
  return `^${escapeRegex(value)}$`;
}

/** A regex matching exactly one of `values`, or nothing when there are none. */
export function oneOf(values: readonly string[]): string {
  const unique = [...new Set(values)].sort();
  if (unique.length === 0) return '^$';
  if (unique.length === 1) return exactly(unique[0]!);
  return `^(?:${unique.map(escapeRegex).join('|')})$`;
}

const PARAMETER = /\{[^{}]+\}/g;

function hasParameters(address: string): boolean {
  return /\{[^{}]+\}/.test(address);
}

/**
 * The keys a consumer binds with: a parameter it asked for values of (`x-bind`) becomes each of
 * those values (several values: one binding each); any other parameter of a topic key becomes
 * `*` (one word, any value). Fanout and headers exchanges ignore the key.
 */
export function bindingKeys(
  channel: Pick<SystemModel['channels'][number], 'address' | 'exchangeType'>,
  bind: Readonly<Record<string, readonly string[]>> = {},
): string[] {
  if (channel.exchangeType === 'fanout' || channel.exchangeType === 'headers') return [''];
  let keys = [channel.address];
  for (const [name, values] of Object.entries(bind)) {
    keys = keys.flatMap((key) => values.map((value) => key.split(`{${name}}`).join(value)));
  }
  return channel.exchangeType === 'topic' ? keys.map((key) => key.replace(PARAMETER, '*')) : keys;
}

/** A regex matching the routing keys of `addresses`, each parameter one word. */
function keyPatterns(addresses: readonly string[]): string {
  const unique = [...new Set(addresses)].sort();
  const pattern = (address: string) => address.split(PARAMETER).map(escapeRegex).join('[^.]+');
  return `^(?:${unique.map(pattern).join('|')})$`;
}

function escapeRegex(value: string): string {
  return value.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

function byVhostName<T extends { vhost: string; name: string }>(a: T, b: T): number {
  return compare(a.vhost, b.vhost) || compare(a.name, b.name);
}

export function buildTopology(model: ContractModel): TopologyDocument {
  const doc = {
    exchanges: [] as TopologyExchange[],
    queues: [] as TopologyQueue[],
    bindings: [] as TopologyBinding[],
    policies: [] as TopologyPolicy[],
    users: [] as TopologyUser[],
    permissions: [] as TopologyPermission[],
    topicPermissions: [] as TopologyTopicPermission[],
  };
  for (const system of model.systems) addSystem(system, doc);
  return {
    formatVersion: TOPOLOGY_FORMAT_VERSION,
    vhosts: model.systems.map((s) => ({ name: s.vhost, system: s.name })).sort((a, b) => compare(a.name, b.name)),
    exchanges: doc.exchanges.sort(byVhostName),
    queues: doc.queues.sort(byVhostName),
    bindings: doc.bindings.sort(
      (a, b) =>
        compare(a.vhost, b.vhost) ||
        compare(a.source, b.source) ||
        compare(a.destinationType, b.destinationType) ||
        compare(a.destination, b.destination) ||
        compare(a.routingKey, b.routingKey),
    ),
    policies: doc.policies.sort(byVhostName),
    users: doc.users.sort((a, b) => compare(a.name, b.name)),
    permissions: doc.permissions.sort((a, b) => compare(a.vhost, b.vhost) || compare(a.user, b.user)),
    topicPermissions: doc.topicPermissions.sort((a, b) => compare(a.vhost, b.vhost) || compare(a.user, b.user) || compare(a.exchange, b.exchange)),
  };
}

interface Accumulator {
  exchanges: TopologyExchange[];
  queues: TopologyQueue[];
  bindings: TopologyBinding[];
  policies: TopologyPolicy[];
  users: TopologyUser[];
  permissions: TopologyPermission[];
  topicPermissions: TopologyTopicPermission[];
}

function addSystem(system: SystemModel, doc: Accumulator): void {
  const vhost = system.vhost;
  const channels = new Map(system.channels.map((c) => [c.id, c]));
  for (const exchange of system.exchanges) {
    doc.exchanges.push({
      vhost,
      name: exchange.name,
      type: exchange.type,
      durable: true,
      autoDelete: false,
      internal: false,
      role: exchange.type === 'direct' ? 'commands' : 'events',
    });
  }
  const replyQueues = fixedReplyQueues(system);
  for (const [name, requesters] of replyQueues) addReplyQueue(system, name, requesters, doc);
  for (const service of system.services) {
    const queues = consumerQueues(system, service);
    if (queues.length > 0) {
      for (const [name, role] of [
        [retryExchange(service), 'retry'],
        [deadLetterExchange(service), 'dead-letter'],
      ] as const) {
        doc.exchanges.push({ vhost, name, type: 'direct', durable: true, autoDelete: false, internal: false, role, service: service.id });
      }
    }
    for (const queue of queues) addQueue(system, queue, channels, doc);

    const sends = system.operations.filter((o) => o.service === service.id && o.action === 'send').map((o) => channels.get(o.channel)!);
    // RabbitMQ checks a publish to the default exchange ('') as a write to amq.default.
    const written = sends.map((c) => (c.exchange === '' ? 'amq.default' : c.exchange));
    if (queues.length > 0) written.push(retryExchange(service), deadLetterExchange(service));
    // A replier publishes its replies to the default exchange, routed by the request's reply_to
    // (RabbitMQ direct reply-to, or the fixed reply queue). A requester over direct reply-to needs
    // nothing more: consuming amq.rabbitmq.reply-to takes no permission, and its requests go out on
    // the exchange of its send operation; over a fixed reply queue it reads that queue.
    if (system.operations.some((o) => o.service === service.id && o.action === 'receive' && o.reply)) written.push(DEFAULT_EXCHANGE);
    const read = [...queues.map((q) => q.name), ...[...replyQueues].filter(([, requesters]) => requesters.includes(service.id)).map(([name]) => name)];
    doc.users.push({ name: service.brokerUser, service: service.id, vhost, tags: [] });
    doc.permissions.push({ user: service.brokerUser, vhost, configure: '^$', write: oneOf(written), read: oneOf(read) });
    const topicExchanges = [...new Set(sends.filter((c) => c.exchangeType === 'topic').map((c) => c.exchange))].sort();
    for (const exchange of topicExchanges) {
      const keys = sends.filter((c) => c.exchange === exchange).map((c) => c.address);
      doc.topicPermissions.push({ user: service.brokerUser, vhost, exchange, write: keys.some(hasParameters) ? keyPatterns(keys) : oneOf(keys), read: '^$' });
    }
  }
}

/** Fixed reply queues (reply channels with `is: queue`) → the requesters that consume them. */
function fixedReplyQueues(system: SystemModel): Map<string, string[]> {
  const queues = new Map<string, string[]>();
  for (const op of system.operations) {
    if (op.action !== 'send' || op.reply?.queue === undefined) continue;
    const requesters = queues.get(op.reply.queue) ?? [];
    if (!requesters.includes(op.service)) requesters.push(op.service);
    queues.set(op.reply.queue, requesters.sort());
  }
  return queues;
}

/** Replies are transient and worth nothing after the request's timeout: they expire after this. */
export const REPLY_TTL_MS = 300_000;

/**
 * A fixed reply queue: classic (a reply means something only while its requester waits, so it
 * need not survive a broker restart replicated), with a TTL and a length cap so replies to a
 * requester that is gone do not pile up. Read by its requesters, written through the default
 * exchange by the replier.
 */
function addReplyQueue(system: SystemModel, name: string, requesters: readonly string[], doc: Accumulator): void {
  doc.queues.push({
    vhost: system.vhost,
    name,
    type: 'classic',
    durable: true,
    autoDelete: false,
    arguments: { 'x-queue-type': 'classic' },
    role: 'reply',
    service: requesters[0]!,
    operations: system.operations.filter((o) => o.action === 'send' && o.reply?.queue === name).map((o) => o.id).sort(),
    alerts: { depth: 1000, requireConsumer: false },
  });
  doc.policies.push(policyFor(system.vhost, name, { 'max-length': 100_000, 'message-ttl': REPLY_TTL_MS, overflow: 'drop-head' }));
}

function addQueue(system: SystemModel, queue: ConsumerQueue, channels: Map<string, SystemModel['channels'][number]>, doc: Accumulator): void {
  const vhost = system.vhost;
  const { queue: policy, retry, deadLetter } = queue.policy;
  const service = queue.service;
  const retryNames = retry.delaysMs.map((_, i) => retryQueue(queue.name, i + 1));
  const quorum = { 'x-queue-type': 'quorum' };

  doc.queues.push({
    vhost,
    name: queue.name,
    type: policy.type,
    durable: true,
    autoDelete: false,
    arguments: { 'x-queue-type': policy.type },
    role: 'consumer',
    service: service.id,
    operations: queue.operations.map((o) => o.id),
    retryQueues: retryNames,
    deadLetterQueue: deadLetter.queue,
    alerts: { depth: policy.depthAlert, requireConsumer: true },
  });
  const consumerPolicy: Record<string, ArgumentValue> = {
    'dead-letter-exchange': deadLetterExchange(service),
    'dead-letter-routing-key': queue.name,
    'max-length': policy.maxLength ?? 100_000,
    overflow: policy.overflow,
  };
  if (policy.type === 'quorum') {
    consumerPolicy['delivery-limit'] = policy.deliveryLimit;
    // RabbitMQ dead-letters at-least-once only with reject-publish; otherwise it falls back anyway.
    consumerPolicy['dead-letter-strategy'] = policy.overflow === 'reject-publish' ? 'at-least-once' : 'at-most-once';
  }
  if (policy.maxLengthBytes !== undefined) consumerPolicy['max-length-bytes'] = policy.maxLengthBytes;
  if (policy.messageTtlMs !== undefined) consumerPolicy['message-ttl'] = policy.messageTtlMs;
  doc.policies.push(policyFor(vhost, queue.name, consumerPolicy));

  for (const channelId of queue.channels) {
    const channel = channels.get(channelId)!;
    // The default exchange delivers by queue name: no binding to make.
    if (channel.exchange === '') continue;
    const keys = queue.operations.filter((o) => o.channel === channelId).flatMap((o) => bindingKeys(channel, o.bind));
    for (const routingKey of [...new Set(keys)].sort()) {
      doc.bindings.push({ vhost, source: channel.exchange, destination: queue.name, destinationType: 'queue', routingKey, arguments: {} });
    }
  }
  doc.bindings.push({ vhost, source: retryExchange(service), destination: queue.name, destinationType: 'queue', routingKey: queue.name, arguments: {} });

  retryNames.forEach((name, i) => {
    doc.queues.push({
      vhost,
      name,
      type: 'quorum',
      durable: true,
      autoDelete: false,
      arguments: quorum,
      role: 'retry',
      service: service.id,
      operations: [],
      delayMs: retry.delaysMs[i]!,
      returnsTo: queue.name,
      parentQueue: queue.name,
      alerts: {},
    });
    doc.bindings.push({ vhost, source: retryExchange(service), destination: name, destinationType: 'queue', routingKey: name, arguments: {} });
    doc.policies.push(
      policyFor(vhost, name, {
        'message-ttl': retry.delaysMs[i]!,
        'dead-letter-exchange': retryExchange(service),
        'dead-letter-routing-key': queue.name,
        'dead-letter-strategy': 'at-least-once',
        overflow: 'reject-publish',
        'max-length': policy.maxLength ?? 100_000,
      }),
    );
  });

  doc.queues.push({
    vhost,
    name: deadLetter.queue,
    type: 'quorum',
    durable: true,
    autoDelete: false,
    arguments: quorum,
    role: 'dead-letter',
    service: service.id,
    operations: [],
    parentQueue: queue.name,
    alerts: { deadLetterWarn: deadLetter.warnAt, deadLetterPage: deadLetter.pageAt },
  });
  doc.bindings.push({ vhost, source: deadLetterExchange(service), destination: deadLetter.queue, destinationType: 'queue', routingKey: queue.name, arguments: {} });
  // Every `dlq show` counts as a delivery on a quorum queue, and RabbitMQ 4 drops a message after
  // 20 deliveries when no limit is set and there is nowhere to dead-letter it: a dead letter must
  // never vanish for having been looked at, so the limit is set high explicitly.
  const deadLetterPolicy: Record<string, ArgumentValue> = {
    'delivery-limit': DEAD_LETTER_DELIVERY_LIMIT,
    'max-length': deadLetter.maxLength ?? 1_000_000,
    overflow: 'reject-publish',
  };
  if (deadLetter.messageTtlMs !== undefined) deadLetterPolicy['message-ttl'] = deadLetter.messageTtlMs;
  doc.policies.push(policyFor(vhost, deadLetter.queue, deadLetterPolicy));
}

/** High enough to be unlimited in practice; a value RabbitMQ 3.10 and 4.x both accept. */
const DEAD_LETTER_DELIVERY_LIMIT = 1_000_000;

function policyFor(vhost: string, queue: string, definition: Record<string, ArgumentValue>): TopologyPolicy {
  const sorted = Object.fromEntries(Object.entries(definition).sort(([a], [b]) => compare(a, b)));
  return { vhost, name: `ep.${queue}`, pattern: exactly(queue), applyTo: 'queues', priority: POLICY_PRIORITY, definition: sorted };
}
