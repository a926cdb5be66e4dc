/**
 * Cross-references the contract model and the topology document into what the pages show:
 * for each event its producer, consumers, queues and policies; for each service its queues,
 * broker user and permissions. Pure; every list keeps the model's sorted order.
 */
import type {
  ChannelModel,
  ContractModel,
  ExchangeModel,
  MessageModel,
  OperationModel,
  ServiceModel,
  SystemModel,
} from '../compiler/model.js';
import type {
  TopologyBinding,
  TopologyDocument,
  TopologyExchange,
  TopologyPermission,
  TopologyPolicy,
  TopologyQueue,
  TopologyTopicPermission,
  TopologyUser,
} from '../topology/types.js';
import type { MessageHistory } from './message-history.js';

export interface CatalogInput {
  readonly model: ContractModel;
  readonly topology: TopologyDocument;
  /** By message id; absent messages show "no history". */
  readonly history?: ReadonlyMap<string, MessageHistory>;
}

/** A consumer queue with the retry ladder and dead-letter queue behind it. */
export interface QueueView {
  readonly queue: TopologyQueue;
  readonly policy?: TopologyPolicy;
  readonly retryQueues: readonly { readonly queue: TopologyQueue; readonly policy?: TopologyPolicy }[];
  readonly deadLetter?: { readonly queue: TopologyQueue; readonly policy?: TopologyPolicy };
  /** Bindings into the queue from the system's event/command exchanges. */
  readonly bindings: readonly TopologyBinding[];
}

export interface ConsumerView {
  readonly operation: OperationModel;
  readonly service: ServiceModel;
  /** Undefined when the topology has no queue for the operation (then the model's policy shows). */
  readonly queue?: QueueView;
}

export interface EventView {
  readonly message: MessageModel;
  readonly channel: ChannelModel;
  readonly producer?: ServiceModel;
  readonly sendOperations: readonly OperationModel[];
  readonly exchange?: ExchangeModel;
  readonly consumers: readonly ConsumerView[];
  readonly history: MessageHistory;
}

export interface ServiceView {
  readonly service: ServiceModel;
  readonly sends: readonly { readonly operation: OperationModel; readonly events: readonly EventView[] }[];
  readonly receives: readonly { readonly operation: OperationModel; readonly events: readonly EventView[]; readonly queue?: QueueView }[];
  readonly queues: readonly QueueView[];
  readonly user?: TopologyUser;
  readonly permissions: readonly TopologyPermission[];
  readonly topicPermissions: readonly TopologyTopicPermission[];
  readonly exchanges: readonly TopologyExchange[];
}

export interface SystemView {
  readonly system: SystemModel;
  readonly services: readonly ServiceView[];
  readonly events: readonly EventView[];
  readonly exchanges: readonly { readonly exchange: ExchangeModel; readonly events: readonly EventView[] }[];
  /** Retry and dead-letter exchanges the topology adds. */
  readonly infrastructureExchanges: readonly TopologyExchange[];
  readonly queues: readonly QueueView[];
  /** Owners (teams) of the system's services. */
  readonly owners: readonly string[];
}

export interface CatalogView {
  readonly model: ContractModel;
  readonly systems: readonly SystemView[];
}

const NO_HISTORY: MessageHistory = { entries: [], note: 'No history was read for this build.' };

/** `^order\.payments$` → `order.payments`; undefined when the pattern is a real regex. */
function literalOf(pattern: string): string | undefined {
  const m = /^\^((?:\\.|[^\\.*+?^$()[\]{}|])*)\$$/.exec(pattern);
  return m ? m[1]!.replace(/\\(.)/g, '$1') : undefined;
}

/**
 * The policy RabbitMQ would apply to a queue: the highest-priority match. The topology's
 * policies are anchored literals, so they are looked up by name; other patterns are tested.
 */
function policyMatcher(policies: readonly TopologyPolicy[]): (vhost: string, queue: string) => TopologyPolicy | undefined {
  const literal = new Map<string, TopologyPolicy[]>();
  const patterns: { p: TopologyPolicy; re: RegExp | undefined }[] = [];
  for (const p of policies) {
    const name = literalOf(p.pattern);
    if (name === undefined) patterns.push({ p, re: safeRegExp(p.pattern) });
    else literal.set(`${p.vhost}\u0000${name}`, [...(literal.get(`${p.vhost}\u0000${name}`) ?? []), p]);
  }
  return (vhost, queue) => {
    let best: TopologyPolicy | undefined;
    for (const p of literal.get(`${vhost}\u0000${queue}`) ?? []) if (!best || p.priority > best.priority) best = p;
    for (const { p, re } of patterns) {
      if (p.vhost !== vhost || !re?.test(queue)) continue;
      if (!best || p.priority > best.priority) best = p;
    }
    return best;
  };
}

function safeRegExp(pattern: string): RegExp | undefined {
  try {
    return new RegExp(pattern);
  } catch {
    return undefined;
  }
}

export function buildCatalogView(input: CatalogInput): CatalogView {
  const { model, topology } = input;
  const history = input.history ?? new Map<string, MessageHistory>();
  const policyFor = policyMatcher(topology.policies);
  const key = (vhost: string, name: string): string => `${vhost}\u0000${name}`;
  const queuesByName = new Map(topology.queues.map((q) => [key(q.vhost, q.name), q]));
  const bindingsByQueue = new Map<string, TopologyBinding[]>();
  const eventExchanges = new Set(topology.exchanges.filter((e) => e.role === 'events' || e.role === 'commands').map((e) => key(e.vhost, e.name)));
  for (const b of topology.bindings) {
    if (b.destinationType !== 'queue' || !eventExchanges.has(key(b.vhost, b.source))) continue;
    const k = key(b.vhost, b.destination);
    const list = bindingsByQueue.get(k);
    if (list) list.push(b);
    else bindingsByQueue.set(k, [b]);
  }

  const queueViews = new Map<string, QueueView>();
  const queueView = (q: TopologyQueue): QueueView => {
    const k = key(q.vhost, q.name);
    let v = queueViews.get(k);
    if (!v) {
      const withPolicy = (queue: TopologyQueue) => {
        const policy = policyFor(queue.vhost, queue.name);
        return policy ? { queue, policy } : { queue };
      };
      const retryQueues = (q.retryQueues ?? []).map((n) => queuesByName.get(key(q.vhost, n))).filter((x): x is TopologyQueue => x !== undefined);
      const dlq = q.deadLetterQueue === undefined ? undefined : queuesByName.get(key(q.vhost, q.deadLetterQueue));
      const policy = policyFor(q.vhost, q.name);
      v = {
        queue: q,
        ...(policy ? { policy } : {}),
        retryQueues: retryQueues.map(withPolicy),
        ...(dlq ? { deadLetter: withPolicy(dlq) } : {}),
        bindings: bindingsByQueue.get(k) ?? [],
      };
      queueViews.set(k, v);
    }
    return v;
  };
  const group = <T, K>(items: readonly T[], key: (t: T) => K): Map<K, T[]> => {
    const m = new Map<K, T[]>();
    for (const t of items) {
      const k = key(t);
      const list = m.get(k);
      if (list) list.push(t);
      else m.set(k, [t]);
    }
    return m;
  };
  const consumerQueuesByService = group(topology.queues.filter((q) => q.role === 'consumer'), (q) => q.service);
  const usersByService = new Map(topology.users.map((u) => [u.service, u]));
  const permissionsByUser = group(topology.permissions, (p) => p.user);
  const topicPermissionsByUser = group(topology.topicPermissions, (p) => p.user);
  const exchangesByService = group(topology.exchanges, (e) => e.service);
  const queueByOperation = new Map<string, TopologyQueue>();
  for (const q of topology.queues) if (q.role === 'consumer') for (const op of q.operations) queueByOperation.set(op, q);

  const systems: SystemView[] = model.systems.map((system) => {
    const services = new Map(system.services.map((s) => [s.id, s]));
    const channels = new Map(system.channels.map((c) => [c.id, c]));
    const operations = system.operations;
    const exchanges = new Map(system.exchanges.map((e) => [e.name, e]));
    const receivesByChannel = group(operations.filter((op) => op.action === 'receive'), (op) => op.channel);
    const sendsByChannel = group(operations.filter((op) => op.action === 'send'), (op) => op.channel);
    const carries = (op: OperationModel, m: MessageModel): boolean =>
      op.channel === m.channel && (op.messages.length === 0 || op.messages.includes(m.id));

    // Messages of channels bound to other protocols (Kafka, MQTT, …) have types but no AMQP route to show.
    const events: EventView[] = system.messages.filter((message) => channels.has(message.channel)).map((message) => {
      const channel = channels.get(message.channel)!;
      const producer = services.get(message.owner) ?? services.get(channel.owner);
      const consumers: ConsumerView[] = (receivesByChannel.get(message.channel) ?? [])
        .filter((op) => carries(op, message))
        .map((operation) => {
          const service = services.get(operation.service);
          if (!service) throw new Error(`model: operation ${operation.id} names unknown service ${operation.service}`);
          const q = queueByOperation.get(operation.id);
          return q ? { operation, service, queue: queueView(q) } : { operation, service };
        });
      const exchange = exchanges.get(channel.exchange);
      return {
        message,
        channel,
        ...(producer ? { producer } : {}),
        sendOperations: (sendsByChannel.get(message.channel) ?? []).filter((op) => carries(op, message)),
        ...(exchange ? { exchange } : {}),
        consumers,
        history: history.get(message.id) ?? NO_HISTORY,
      };
    });
    const eventsByChannel = group(events, (e) => e.channel.id);
    const eventsOf = (op: OperationModel): EventView[] =>
      (eventsByChannel.get(op.channel) ?? []).filter((e) => op.messages.length === 0 || op.messages.includes(e.message.id));

    const serviceViews: ServiceView[] = system.services.map((service) => {
      const own = operations.filter((op) => op.service === service.id);
      const user = usersByService.get(service.id);
      const queues = (consumerQueuesByService.get(service.id) ?? []).map(queueView);
      return {
        service,
        sends: own.filter((op) => op.action === 'send').map((operation) => ({ operation, events: eventsOf(operation) })),
        receives: own
          .filter((op) => op.action === 'receive')
          .map((operation) => {
            const q = queueByOperation.get(operation.id);
            return { operation, events: eventsOf(operation), ...(q ? { queue: queueView(q) } : {}) };
          }),
        queues,
        ...(user ? { user } : {}),
        permissions: user ? (permissionsByUser.get(user.name) ?? []) : [],
        topicPermissions: user ? (topicPermissionsByUser.get(user.name) ?? []) : [],
        exchanges: exchangesByService.get(service.id) ?? [],
      };
    });

    return {
      system,
      services: serviceViews,
      events,
      exchanges: system.exchanges.map((exchange) => ({
        exchange,
        events: exchange.channels.flatMap((c) => events.filter((e) => e.channel.id === c)),
      })),
      infrastructureExchanges: topology.exchanges.filter((e) => e.vhost === system.vhost && (e.role === 'retry' || e.role === 'dead-letter')),
      queues: topology.queues.filter((q) => q.vhost === system.vhost && q.role === 'consumer').map(queueView),
      owners: [...new Set(system.services.map((s) => s.owner))].sort(),
    };
  });
  return { model, systems };
}
