/**
 * Routing simulation: publishes every send of the contract model, on paper, into the topology
 * document and follows RabbitMQ's routing rules (topic wildcards, direct equality, fanout,
 * exchange-to-exchange bindings, the default exchange) to the queues that would receive it.
 * Pure: the model and the topology in, routes and findings out.
 */
import type { ContractModel, SourceLocation } from '../../compiler/model.js';
import type { TopologyBinding, TopologyDocument, TopologyQueue } from '../../topology/types.js';
import type { Finding } from '../findings.js';
import { indexModel, type ModelIndex } from '../model-index.js';
import { isTopicPattern, topicCovers, topicMatches, topicOverlaps } from './topic-pattern.js';

export interface RouteDelivery {
  readonly queue: string;
  /** The service consuming the queue. */
  readonly service: string;
  /** The binding keys that let it in (several when patterns overlap). */
  readonly bindingKeys: readonly string[];
}

export interface Route {
  /** The send operation id. */
  readonly send: string;
  readonly service: string;
  readonly channel: string;
  readonly messages: readonly string[];
  readonly vhost: string;
  readonly exchange: string;
  readonly routingKey: string;
  readonly queues: readonly RouteDelivery[];
}

export interface RoutingReport {
  readonly routes: readonly Route[];
  readonly findings: readonly Finding[];
}

/** A word no binding key names: stands for the value of an address parameter (`{orderId}`). */
const PARAMETER_WORD = '\u0000param';

/** The routing key a send publishes with; address parameters become an arbitrary word. */
function sampleRoutingKey(address: string): string {
  return address.replace(/\{[^}]+\}/g, PARAMETER_WORD);
}

function bindingMatches(exchangeType: string, binding: TopologyBinding, routingKey: string): boolean {
  switch (exchangeType) {
    case 'topic':
      return topicMatches(binding.routingKey, routingKey);
    case 'direct':
      return binding.routingKey === routingKey;
    case 'fanout':
      return true;
    default:
      // headers: the contract does not say which headers a send carries.
      return false;
  }
}

class Router {
  private readonly exchanges = new Map<string, string>();
  private readonly bindings = new Map<string, TopologyBinding[]>();
  private readonly queues = new Map<string, TopologyQueue>();

  constructor(topology: TopologyDocument) {
    for (const e of topology.exchanges) this.exchanges.set(`${e.vhost}\u0000${e.name}`, e.type);
    for (const b of topology.bindings) {
      const key = `${b.vhost}\u0000${b.source}`;
      this.bindings.set(key, [...(this.bindings.get(key) ?? []), b]);
    }
    for (const q of topology.queues) this.queues.set(`${q.vhost}\u0000${q.name}`, q);
  }

  exchangeType(vhost: string, exchange: string): string | undefined {
    return this.exchanges.get(`${vhost}\u0000${exchange}`);
  }

  queue(vhost: string, name: string): TopologyQueue | undefined {
    return this.queues.get(`${vhost}\u0000${name}`);
  }

  /** Queue name → binding keys that matched, following exchange-to-exchange bindings. */
  route(vhost: string, exchange: string, routingKey: string, fallbackType?: string): Map<string, string[]> {
    const out = new Map<string, string[]>();
    if (exchange === '') {
      // The default exchange delivers to the queue named by the routing key.
      if (this.queue(vhost, routingKey)) out.set(routingKey, ['']);
      return out;
    }
    const visited = new Set<string>();
    const visit = (source: string, type: string | undefined) => {
      if (visited.has(source) || type === undefined) return;
      visited.add(source);
      for (const binding of this.bindings.get(`${vhost}\u0000${source}`) ?? []) {
        if (!bindingMatches(type, binding, routingKey)) continue;
        if (binding.destinationType === 'exchange') {
          visit(binding.destination, this.exchangeType(vhost, binding.destination));
        } else {
          out.set(binding.destination, [...(out.get(binding.destination) ?? []), binding.routingKey]);
        }
      }
    };
    visit(exchange, this.exchangeType(vhost, exchange) ?? fallbackType);
    return out;
  }
}

const display = (key: string) => key.replaceAll(PARAMETER_WORD, '{…}');

export function simulateRouting(model: ContractModel, topology: TopologyDocument): RoutingReport {
  const index = indexModel(model);
  const router = new Router(topology);
  const findings: Finding[] = [];
  const routes: Route[] = [];

  for (const op of [...index.operations.values()].filter((o) => o.action === 'send')) {
    const channel = index.channels.get(op.channel);
    if (!channel) continue;
    const vhost = index.systems.get(channel.system)?.vhost ?? channel.system;
    const routingKey = sampleRoutingKey(channel.address);
    const delivered = router.route(vhost, channel.exchange, routingKey, channel.exchangeType);
    const queues = [...delivered]
      .map(([queue, bindingKeys]) => ({ queue, service: router.queue(vhost, queue)?.service ?? '?', bindingKeys }))
      .sort((a, b) => a.queue.localeCompare(b.queue));
    routes.push({
      send: op.id,
      service: op.service,
      channel: channel.id,
      messages: op.messages,
      vhost,
      exchange: channel.exchange,
      routingKey: channel.address,
      queues,
    });
    if (queues.length === 0) {
      findings.push({
        category: 'routing',
        rule: 'unroutable-send',
        severity: 'warning',
        subject: op.id,
        location: op.location,
        message: `${op.id} publishes ${channel.address} to ${channel.exchange} and no queue receives it: the broker drops (or returns) every such message`,
      });
    }
  }

  findings.push(...unconsumedQueues(index, topology, routes), ...bindingOverlaps(index, topology));
  findings.push(...unexpectedDeliveries(index, router, routes), ...duplicateDeliveries(routes, index));
  findings.push(...unproducedMessages(index, routes, router));
  return { routes: routes.sort((a, b) => a.send.localeCompare(b.send)), findings };
}

function queueLocation(index: ModelIndex, queue: TopologyQueue): SourceLocation | undefined {
  for (const id of queue.operations) {
    const op = index.operations.get(id);
    if (op) return op.location;
  }
  return index.services.get(queue.service)?.location;
}

function unconsumedQueues(index: ModelIndex, topology: TopologyDocument, routes: readonly Route[]): Finding[] {
  const reached = new Set(routes.flatMap((r) => r.queues.map((q) => `${r.vhost}\u0000${q.queue}`)));
  return topology.queues
    .filter((q) => q.role === 'consumer' && !reached.has(`${q.vhost}\u0000${q.name}`))
    .map((q) => ({
      category: 'routing' as const,
      rule: 'unfed-queue',
      severity: 'warning' as const,
      subject: `${q.vhost}/${q.name}`,
      location: queueLocation(index, q),
      message: `queue ${q.name} (${q.service}) is bound but no send in the contracts reaches it`,
    }));
}

/**
 * Bindings into one queue where one key covers another are redundant (the narrower one never
 * adds a message); keys of two queues of one service that overlap deliver a message twice.
 */
function bindingOverlaps(index: ModelIndex, topology: TopologyDocument): Finding[] {
  const findings: Finding[] = [];
  const queueOf = new Map(topology.queues.map((q) => [`${q.vhost}\u0000${q.name}`, q]));
  const topicExchanges = new Set(topology.exchanges.filter((e) => e.type === 'topic').map((e) => `${e.vhost}\u0000${e.name}`));
  const bySource = new Map<string, TopologyBinding[]>();
  for (const b of topology.bindings) {
    if (b.destinationType !== 'queue' || !topicExchanges.has(`${b.vhost}\u0000${b.source}`)) continue;
    const key = `${b.vhost}\u0000${b.source}`;
    bySource.set(key, [...(bySource.get(key) ?? []), b]);
  }
  for (const bindings of bySource.values()) {
    for (let i = 0; i < bindings.length; i++) {
      for (let j = i + 1; j < bindings.length; j++) {
        const a = bindings[i]!;
        const b = bindings[j]!;
        if (a.routingKey === b.routingKey && a.destination === b.destination) continue;
        if (!isTopicPattern(a.routingKey) && !isTopicPattern(b.routingKey)) continue;
        const qa = queueOf.get(`${a.vhost}\u0000${a.destination}`);
        const qb = queueOf.get(`${b.vhost}\u0000${b.destination}`);
        if (a.destination === b.destination) {
          const [wide, narrow] = topicCovers(a.routingKey, b.routingKey) ? [a, b] : topicCovers(b.routingKey, a.routingKey) ? [b, a] : [];
          if (wide && narrow) {
            findings.push({
              category: 'routing',
              rule: 'shadowed-binding',
              severity: 'warning',
              subject: `${a.vhost}/${a.destination}`,
              location: qa ? queueLocation(index, qa) : undefined,
              message: `queue ${a.destination}: binding ${narrow.routingKey} on ${a.source} is shadowed by ${wide.routingKey}, which already matches every key it matches`,
            });
          }
        } else if (qa && qb && qa.service === qb.service && topicOverlaps(a.routingKey, b.routingKey)) {
          findings.push({
            category: 'routing',
            rule: 'overlapping-bindings',
            severity: 'warning',
            subject: `${a.vhost}/${a.destination}`,
            location: queueLocation(index, qa),
            message: `${qa.service} binds ${a.destination} with ${a.routingKey} and ${b.destination} with ${b.routingKey} on ${a.source}: a message matching both is handled twice`,
          });
        }
      }
    }
  }
  return findings;
}

/** A queue reached by a message none of its receive operations handles dead-letters it. */
function unexpectedDeliveries(index: ModelIndex, router: Router, routes: readonly Route[]): Finding[] {
  const findings: Finding[] = [];
  for (const route of routes) {
    for (const delivery of route.queues) {
      const queue = router.queue(route.vhost, delivery.queue);
      if (!queue || queue.role !== 'consumer') continue;
      const handled = new Set(queue.operations.flatMap((id) => index.operations.get(id)?.messages ?? []));
      const unhandled = route.messages.filter((m) => !handled.has(m));
      if (unhandled.length === 0) continue;
      findings.push({
        category: 'routing',
        rule: 'unexpected-delivery',
        severity: 'warning',
        subject: `${route.vhost}/${delivery.queue}`,
        location: queueLocation(index, queue),
        message: `queue ${delivery.queue} (${queue.service}) receives ${unhandled.join(', ')} from ${route.send} through binding ${delivery.bindingKeys.join(', ')}, but none of its receive operations handles it: each such message is dead-lettered`,
      });
    }
  }
  return findings;
}

function duplicateDeliveries(routes: readonly Route[], index: ModelIndex): Finding[] {
  const findings: Finding[] = [];
  for (const route of routes) {
    const byService = new Map<string, string[]>();
    for (const d of route.queues) byService.set(d.service, [...(byService.get(d.service) ?? []), d.queue]);
    for (const [service, queues] of byService) {
      if (queues.length < 2) continue;
      findings.push({
        category: 'routing',
        rule: 'duplicate-delivery',
        severity: 'warning',
        subject: route.send,
        location: index.services.get(service)?.location,
        message: `${service} receives ${display(route.routingKey)} from ${route.send} on ${queues.length} queues (${queues.join(', ')}): each message is handled ${queues.length} times`,
      });
    }
  }
  return findings;
}

/** Receives of a message (version) no send produces, or whose send never reaches their queue. */
function unproducedMessages(index: ModelIndex, routes: readonly Route[], router: Router): Finding[] {
  const findings: Finding[] = [];
  for (const op of index.operations.values()) {
    if (op.action !== 'receive') continue;
    for (const messageId of op.messages) {
      const message = index.messages.get(messageId);
      const sends = routes.filter((r) => r.messages.includes(messageId));
      if (sends.length === 0) {
        const siblings = [...index.messages.values()].filter(
          (m) => m.id !== messageId && m.system === message?.system && baseName(m.name) === baseName(message?.name ?? '') && index.senders.has(m.id),
        );
        findings.push({
          category: 'routing',
          rule: 'unproduced-message',
          severity: 'warning',
          subject: op.id,
          location: op.location,
          message: `${op.id} consumes ${messageId}${message ? ` ${message.version}` : ''} but no service sends it${
            siblings.length > 0 ? ` (${siblings.map((m) => `${m.name} ${m.version}`).join(', ')} is sent instead: move the consumer to the new version)` : ''
          }`,
        });
        continue;
      }
      const queue = op.queue?.name;
      const vhost = index.systems.get(index.services.get(op.service)?.system ?? '')?.vhost;
      if (queue === undefined || vhost === undefined || !router.queue(vhost, queue)) continue;
      if (!sends.some((r) => r.queues.some((d) => d.queue === queue))) {
        findings.push({
          category: 'routing',
          rule: 'unreached-receive',
          severity: 'warning',
          subject: op.id,
          location: op.location,
          message: `${op.id} consumes ${messageId} from queue ${queue}, but ${sends.map((r) => r.send).join(', ')} never reaches that queue`,
        });
      }
    }
  }
  return findings;
}

/** `OrderCreatedV2` → `OrderCreated`. */
function baseName(name: string): string {
  return name.replace(/V\d+$/, '');
}

