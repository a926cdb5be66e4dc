/**
 * Turns a system (or one event of it) into the flow graph producer → exchange → queue →
 * consumer, with links to the pages that explain each node.
 */
import type { OperationModel } from '../compiler/model.js';
import type { EventView, QueueView, SystemView } from './catalog-view.js';
import type { FlowEdge, FlowGraph, FlowNode } from './flow-graph.js';
import { duration, exchangeAnchor, queueAnchor } from './pages/parts.js';
import { servicePage, systemPage } from './site-paths.js';

interface QueueRef {
  readonly name: string;
  readonly service: string;
  readonly view?: QueueView;
}

/** Queue name → the receive operation that declared it, per system (built once, reused by every page). */
const operationsByQueue = new WeakMap<SystemView, Map<string, OperationModel>>();

function queueOperation(s: SystemView, queue: string): OperationModel | undefined {
  let index = operationsByQueue.get(s);
  if (!index) {
    index = new Map();
    for (const e of s.events) {
      for (const c of e.consumers) {
        const name = c.queue?.queue.name ?? c.operation.queue?.name;
        if (name !== undefined && !index.has(name)) index.set(name, c.operation);
      }
    }
    operationsByQueue.set(s, index);
  }
  return index.get(queue);
}

function queueSublabel(q: QueueRef, s: SystemView): string {
  const op = queueOperation(s, q.name);
  const type = q.view?.queue.type ?? op?.queue?.type ?? 'quorum';
  const retries = q.view?.retryQueues.length ?? op?.retry?.retries ?? 0;
  const parts: string[] = [type];
  if (retries > 0) {
    const last = op?.retry?.delaysMs[op.retry.delaysMs.length - 1];
    parts.push(`retry ×${retries}${last !== undefined ? ` ≤ ${duration(last)}` : ''}`);
  }
  if (q.view?.deadLetter ?? op?.deadLetter) parts.push('DLQ');
  return parts.join(' · ');
}

/** The graph of `events` (all of a system's, or one) inside system `s`. */
export function flowGraphOf(s: SystemView, events: readonly EventView[], emphasise = false): FlowGraph {
  const system = s.system.name;
  const nodes = new Map<string, FlowNode>();
  const edges = new Map<string, FlowEdge & { keys: Set<string> }>();
  const serviceName = (id: string): string => s.services.find((x) => x.service.id === id)?.service.name ?? id.split('/').pop()!;
  const addEdge = (from: string, to: string, key: string, verb: string): void => {
    const id = `${from}\u0000${to}`;
    const existing = edges.get(id);
    if (existing) existing.keys.add(key);
    else edges.set(id, { from, to, keys: new Set([key]), description: verb, ...(emphasise ? { emphasis: true } : {}) });
  };

  for (const e of events) {
    // The default exchange (direct reply-to replies, `is: queue` channels) routes by queue name and
    // has no section on the system page: such a message draws no exchange → queue path.
    if (e.channel.exchange === '') continue;
    const exchangeId = `x:${e.channel.exchange}`;
    if (!nodes.has(exchangeId)) {
      nodes.set(exchangeId, {
        id: exchangeId,
        kind: 'exchange',
        label: e.channel.exchange,
        sublabel: `${e.channel.exchangeType} exchange`,
        link: `${systemPage(system)}#${exchangeAnchor(e.channel.exchange)}`,
        description: `Exchange ${e.channel.exchange} (${e.channel.exchangeType})`,
      });
    }
    if (e.producer) {
      const pid = `p:${e.producer.id}`;
      if (!nodes.has(pid)) {
        nodes.set(pid, {
          id: pid,
          kind: 'producer',
          label: e.producer.name,
          sublabel: e.producer.owner,
          link: servicePage(system, e.producer.name),
          description: `Producer service ${e.producer.name}, owned by ${e.producer.owner}`,
        });
      }
      addEdge(pid, exchangeId, e.channel.address, 'publishes');
    }
    for (const c of e.consumers) {
      const name = c.queue?.queue.name ?? c.operation.queue?.name;
      if (name === undefined) continue;
      const qid = `q:${name}`;
      const ref: QueueRef = { name, service: c.service.id, ...(c.queue ? { view: c.queue } : {}) };
      if (!nodes.has(qid)) {
        nodes.set(qid, {
          id: qid,
          kind: 'queue',
          label: name,
          sublabel: queueSublabel(ref, s),
          link: `${servicePage(system, c.service.name)}#${queueAnchor(name)}`,
          description: `Queue ${name} of service ${c.service.name}`,
        });
      }
      const keys = c.queue?.bindings.filter((b) => b.source === e.channel.exchange).map((b) => b.routingKey) ?? [];
      addEdge(exchangeId, qid, keys.includes(e.channel.address) || keys.length === 0 ? e.channel.address : keys.join(', '), 'binds');
      const cid = `c:${c.service.id}`;
      if (!nodes.has(cid)) {
        nodes.set(cid, {
          id: cid,
          kind: 'consumer',
          label: serviceName(c.service.id),
          sublabel: c.service.owner,
          link: servicePage(system, c.service.name),
          description: `Consumer service ${c.service.name}, owned by ${c.service.owner}`,
        });
      }
      addEdge(qid, cid, c.operation.key, 'consumed by');
    }
  }
  const sortedNodes = [...nodes.values()].sort((a, b) => a.label.localeCompare(b.label));
  const sortedEdges: FlowEdge[] = [...edges.values()].map(({ keys, description, ...edge }) => {
    const list = [...keys].sort();
    const shown = list.length > 8 ? `${list.slice(0, 8).join(', ')} and ${list.length - 8} more` : list.join(', ');
    return { ...edge, description: `${description ?? ''} ${shown}`.trim() };
  });
  return { nodes: sortedNodes, edges: sortedEdges };
}
