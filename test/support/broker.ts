import { randomBytes } from 'node:crypto';
import { inject } from 'vitest';
import { ManagementClient } from '../../src/broker/management-client.js';
import { applyTopology, type AppliedTopology } from '../../src/local-cluster/apply-topology.js';
import type { TopologyDocument } from '../../src/topology/types.js';

/** The node the global setup started. */
export function testBroker() {
  const broker = inject('broker');
  const management = new ManagementClient({ url: broker.managementUrl, ...broker.admin });
  const amqpUrl = (vhost: string, credentials: { username: string; password: string } = broker.admin) =>
    `amqp://${encodeURIComponent(credentials.username)}:${encodeURIComponent(credentials.password)}@127.0.0.1:${broker.amqpPort}/${encodeURIComponent(vhost)}`;
  return { ...broker, management, amqpUrl };
}

/** A fresh namespace (vhost and user prefix) for one test file. */
export function testNamespace(label: string): string {
  return `t-${label}-${randomBytes(3).toString('hex')}-`;
}

/** Applies a topology under a fresh namespace and returns per-service AMQP URLs. */
export async function applyTestTopology(topology: TopologyDocument, label: string) {
  const broker = testBroker();
  const namespace = testNamespace(label);
  const applied: AppliedTopology = await applyTopology(broker.management, topology, { namespace });
  const serviceUrl = (serviceId: string) => {
    const user = applied.users[serviceId];
    if (!user) throw new Error(`topology has no user for ${serviceId}`);
    return broker.amqpUrl(user.vhost, user);
  };
  const adminUrl = (vhost: string) => broker.amqpUrl(`${namespace}${vhost}`);
  return { ...broker, namespace, applied, serviceUrl, adminUrl };
}
