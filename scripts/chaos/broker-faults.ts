/**
 * The broker-side faults of the chaos suite, on a LocalCluster started by the suite itself:
 * killing and restarting nodes, stopping the whole cluster, closing client connections through
 * the management API. Only nodes of that cluster are ever touched.
 */
import type { ManagementClient } from '../../src/broker/management-client.js';
import type { LocalCluster } from '../../src/local-cluster/local-cluster.js';

/** A management client on a node that is up (node 1 may be the one that was killed). */
export async function liveManagement(cluster: LocalCluster): Promise<ManagementClient> {
  for (let i = 0; i < cluster.nodes.length; i++) {
    if (!cluster.node(i).isProcessAlive()) continue;
    const client = cluster.management(i);
    try {
      await client.overview();
      return client;
    } catch {
      // starting or stopping: try the next node
    }
  }
  throw new Error('no node of the chaos cluster answers its management API');
}

/** Index of the node that leads a quorum queue. */
export async function leaderIndex(cluster: LocalCluster, vhost: string, queue: string): Promise<number> {
  const info = await (await liveManagement(cluster)).queue(vhost, queue);
  const leader = (info?.['leader'] ?? info?.['node']) as string | undefined;
  const index = cluster.nodes.findIndex((node) => node.nodeName === leader);
  if (index === -1) throw new Error(`cannot tell which node leads ${vhost}/${queue} (leader: ${String(leader)})`);
  return index;
}

/** Starts a stopped or killed node again and waits until the cluster has all its members. */
export async function restartNode(cluster: LocalCluster, index: number): Promise<void> {
  const node = cluster.node(index);
  node.start();
  await node.waitUntilRunning(cluster.admin);
  await waitForMembers(cluster, cluster.nodes.length);
}

/** Waits until `count` nodes are running members, asking whichever node answers. */
export async function waitForMembers(cluster: LocalCluster, count: number, timeoutMs = 120_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let seen = 0;
  while (Date.now() < deadline) {
    seen = await liveManagement(cluster)
      .then((client) => client.nodes())
      .then((nodes) => nodes.filter((node) => node.running).length)
      .catch(() => 0);
    if (seen >= count) return;
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
  throw new Error(`the chaos cluster has ${seen} of ${count} nodes running`);
}

/** Closes every client connection of `users` (forced, as an operator or a load balancer would). */
export async function closeConnectionsOf(cluster: LocalCluster, users: ReadonlySet<string>): Promise<number> {
  const client = await liveManagement(cluster);
  const connections = (await client.connections()).filter((connection) => users.has(connection.user));
  await Promise.all(connections.map((connection) => client.closeConnection(connection.name, 'chaos: forced close')));
  return connections.length;
}

/** Waits until every one of `users` has a connection open (the management API lists it). */
export async function connectedUsers(cluster: LocalCluster, users: ReadonlySet<string>, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const present = new Set(
      await liveManagement(cluster)
        .then((client) => client.connections())
        .then((connections) => connections.map((connection) => connection.user))
        .catch(() => [] as string[]),
    );
    if ([...users].every((user) => present.has(user))) return;
    if (Date.now() > deadline) throw new Error(`clients of ${[...users].join(', ')} did not reconnect within ${timeoutMs / 1000} s`);
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}

/** Messages waiting in a queue, as the management API last sampled them. */
export async function queueDepth(cluster: LocalCluster, vhost: string, queue: string): Promise<number> {
  const info = await (await liveManagement(cluster)).queue(vhost, queue);
  return Number(info?.['messages'] ?? 0);
}
