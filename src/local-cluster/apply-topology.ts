import type { ManagementClient } from '../broker/management-client.js';
import type { TopologyDocument } from '../topology/types.js';
import { randomPassword } from './password-hash.js';
import { vhostDefinitions } from '../topology/rabbitmq-definitions.js';

export interface ApplyOptions {
  /**
   * Prefix for vhost and user names, so several test files can apply the same topology to one
   * broker without seeing each other's objects. Empty in real use.
   */
  readonly namespace?: string;
  /** Passwords to reuse (e.g. from a previous apply); missing users get a fresh random one. */
  readonly passwords?: Readonly<Record<string, string>>;
}

export interface AppliedTopology {
  /** Vhost name as applied, by the vhost name in the document. */
  readonly vhosts: Readonly<Record<string, string>>;
  /** Credentials by service id (`system/service`). Kept in memory; never written to disk here. */
  readonly users: Readonly<Record<string, { readonly username: string; readonly password: string; readonly vhost: string }>>;
}

/**
 * Applies a topology document to a broker through the management API: vhosts, then the
 * vhost-scoped definitions (exchanges, queues, bindings, policies) in one import each, then
 * users, permissions and topic permissions. Idempotent: applying twice changes nothing.
 */
export async function applyTopology(
  client: ManagementClient,
  topology: TopologyDocument,
  options: ApplyOptions = {},
): Promise<AppliedTopology> {
  const ns = options.namespace ?? '';
  const vhosts: Record<string, string> = {};
  for (const vhost of topology.vhosts) {
    vhosts[vhost.name] = `${ns}${vhost.name}`;
    await client.putVhost(`${ns}${vhost.name}`);
  }
  for (const vhost of topology.vhosts) {
    await client.importDefinitions(vhostDefinitions(topology, vhost.name), `${ns}${vhost.name}`);
  }
  const users: Record<string, { username: string; password: string; vhost: string }> = {};
  for (const user of topology.users) {
    const username = `${ns}${user.name}`;
    const password = options.passwords?.[username] ?? randomPassword();
    await client.putUser(username, password);
    users[user.service] = { username, password, vhost: `${ns}${user.vhost}` };
  }
  for (const permission of topology.permissions) {
    await client.putPermissions(`${ns}${permission.vhost}`, `${ns}${permission.user}`, permission);
  }
  for (const topic of topology.topicPermissions) {
    await client.request(
      'PUT',
      `/topic-permissions/${encodeURIComponent(`${ns}${topic.vhost}`)}/${encodeURIComponent(`${ns}${topic.user}`)}`,
      { exchange: topic.exchange, write: topic.write, read: topic.read },
    );
  }
  return { vhosts, users };
}
