/**
 * Issue 14: no queue in the topology is left without a consumer when everything runs. Every
 * consumer queue of generated/topology.json must belong to a service that services/registry.ts
 * starts, in every system. (`local-cluster status` reports the same thing on a running broker.)
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { SERVICES, SYSTEMS } from '../../../services/registry.js';
import type { TopologyDocument } from '../../../src/topology/types.js';

/** The consumer queues of `systems` whose consuming service is not in `registered`, as `vhost/queue (service)`. */
function queuesWithoutRunningConsumer(topology: Pick<TopologyDocument, 'queues'>, registered: readonly string[], systems: readonly string[]): string[] {
  const known = new Set(registered);
  return topology.queues
    .filter((q) => q.role === 'consumer' && systems.includes(q.vhost) && !known.has(q.service))
    .map((q) => `${q.vhost}/${q.name} (${q.service})`)
    .sort();
}

const topology = JSON.parse(readFileSync('generated/topology.json', 'utf8')) as TopologyDocument;
const registered = SERVICES.map((s) => s.id);

describe('every queue has a consumer in services/registry.ts', () => {
  it.each(SYSTEMS)('%s', (system) => {
    expect(topology.queues.some((q) => q.vhost === system && q.role === 'consumer')).toBe(true);
    expect(queuesWithoutRunningConsumer(topology, registered, [system])).toEqual([]);
  });

  it('names the queue and the missing service', () => {
    const queues = [
      { vhost: 'shop', name: 'email-service-queue', role: 'consumer', service: 'shop/email' },
      { vhost: 'shop', name: 'email-service-queue.dlq', role: 'dead-letter', service: 'shop/email' },
      { vhost: 'shop', name: 'cart', role: 'consumer', service: 'shop/cart' },
    ] as unknown as TopologyDocument['queues'];
    expect(queuesWithoutRunningConsumer({ queues }, ['shop/cart'], ['shop'])).toEqual(['shop/email-service-queue (shop/email)']);
  });
});
