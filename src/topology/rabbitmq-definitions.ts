import type { TopologyDocument } from './types.js';

/** The RabbitMQ single-vhost definitions document for one vhost of the topology. */
export function vhostDefinitions(topology: TopologyDocument, vhost: string) {
  return {
    exchanges: topology.exchanges
      .filter((e) => e.vhost === vhost)
      .map((e) => ({ name: e.name, type: e.type, durable: e.durable, auto_delete: e.autoDelete, internal: e.internal, arguments: {} })),
    queues: topology.queues
      .filter((q) => q.vhost === vhost)
      .map((q) => ({ name: q.name, durable: q.durable, auto_delete: q.autoDelete, arguments: q.arguments })),
    bindings: topology.bindings
      .filter((b) => b.vhost === vhost)
      .map((b) => ({
        source: b.source,
        destination: b.destination,
        destination_type: b.destinationType,
        routing_key: b.routingKey,
        arguments: b.arguments,
      })),
    policies: topology.policies
      .filter((p) => p.vhost === vhost)
      .map((p) => ({ name: p.name, pattern: p.pattern, 'apply-to': p.applyTo, priority: p.priority, definition: p.definition })),
  };
}
