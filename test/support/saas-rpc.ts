/** The saas request/reply pair (reports asks users for a profile) as generated, for runtime tests. */
import type { UserProfile } from '../../generated/types/saas.js';
import topologyJson from '../../generated/topology.json' with { type: 'json' };
import type { TopologyDocument } from '../../src/topology/types.js';

/** The generated topology, one system only. */
export function systemTopology(system: string): TopologyDocument {
  const topology = topologyJson as TopologyDocument;
  const only = <T extends { vhost: string }>(items: readonly T[]) => items.filter((i) => i.vhost === system);
  return {
    ...topology,
    vhosts: topology.vhosts.filter((v) => v.name === system),
    exchanges: only(topology.exchanges),
    queues: only(topology.queues),
    bindings: only(topology.bindings),
    policies: only(topology.policies),
    users: only(topology.users),
    permissions: only(topology.permissions),
    topicPermissions: only(topology.topicPermissions),
  };
}

export const GRACE = '1d8f4b2a-7e3c-4a9d-b6e1-8c2f5a9d3b71';

export function profileOf(userId: string): UserProfile {
  return { userId, email: `u-${userId.slice(0, 8)}@example.com`, fullName: 'Grace Hopper', role: 'admin', locale: 'en-US', status: 'active' };
}

/** Bounded wait for a condition that events make true (no sleeps as synchronisation). */
export async function until(condition: () => boolean | Promise<boolean>, what: string, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

/** The value of one counter (summed over the label sets that match `labels`). */
export async function counterValue(registry: { getSingleMetric(name: string): unknown }, name: string, labels: Record<string, string> = {}): Promise<number> {
  const metric = registry.getSingleMetric(name) as { get(): Promise<{ values: { value: number; labels: Record<string, unknown>; metricName?: string }[] }> } | undefined;
  if (!metric) return 0;
  const { values } = await metric.get();
  return values
    .filter((v) => (v.metricName === undefined || v.metricName === name || v.metricName.endsWith('_count')) && Object.entries(labels).every(([k, want]) => v.labels[k] === want))
    .reduce((sum, v) => sum + v.value, 0);
}
