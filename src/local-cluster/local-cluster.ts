import { mkdirSync, mkdtempSync, writeFileSync, chmodSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ensureEpmd, epmdPortFromEnv, stopOwnEpmd } from './epmd.js';
import { freePorts } from './free-port.js';
import { randomPassword, rabbitPasswordHash } from './password-hash.js';
import { RabbitNode, type NodePorts } from './rabbitmq-node.js';
import type { ManagementClient } from '../broker/management-client.js';

export interface AdminCredentials {
  readonly username: string;
  readonly password: string;
}

export interface LocalClusterOptions {
  /** 1 for a single node, 3 for a real cluster. */
  readonly nodes?: number;
  /** Where node directories go; a fresh temporary directory by default. */
  readonly dir?: string;
  /** Node names are `<prefix>-<n>`; unique per cluster so several clusters can share epmd. */
  readonly namePrefix?: string;
  readonly onProgress?: (message: string) => void;
  /** Extra rabbitmq.conf lines for every node (e.g. the configuration infra/ renders for production). */
  readonly extraConfig?: readonly string[];
  /** The epmd port (ERL_EPMD_PORT, else 4369): a private one keeps a cluster off the machine's shared epmd. */
  readonly epmdPort?: number;
}

/** What is needed to find a running local cluster again (the CLI keeps this in a 0600 file). */
export interface LocalClusterState {
  readonly dir: string;
  readonly admin: AdminCredentials;
  readonly nodes: ReadonlyArray<{ readonly name: string; readonly ports: NodePorts }>;
  readonly extraConfig?: readonly string[];
  /** Absent in records written before it was kept: ERL_EPMD_PORT, else 4369. */
  readonly epmdPort?: number;
  /** This cluster started that epmd (none was running), so stopping the cluster stops it too. */
  readonly startedEpmd?: boolean;
}

export class LocalCluster {
  readonly nodes: RabbitNode[];
  readonly epmdPort: number;
  /** Whether start() found no epmd and started it: then stop() stops it too, and only then. */
  private startedEpmd: boolean;

  constructor(private readonly initial: LocalClusterState) {
    const state = initial;
    // Kept in the state file, so `local-cluster down` in another process knows it too.
    this.startedEpmd = state.startedEpmd ?? false;
    const peers = state.nodes.map((node) => `${node.name}@localhost`);
    this.epmdPort = state.epmdPort ?? epmdPortFromEnv();
    this.nodes = state.nodes.map(
      (node) =>
        new RabbitNode({
          name: node.name,
          dir: join(state.dir, node.name),
          ports: node.ports,
          bootDefinitionsFile: join(state.dir, 'boot-definitions.json'),
          peers,
          epmdPort: this.epmdPort,
          ...(state.extraConfig ? { extraConfig: state.extraConfig } : {}),
        }),
    );
  }

  /** What the state file keeps to find (and stop) this cluster again. */
  get state(): LocalClusterState {
    return { ...this.initial, startedEpmd: this.startedEpmd };
  }

  get admin(): AdminCredentials {
    return this.initial.admin;
  }

  /** Management client on the first node that is running (node 1 unless it was killed). */
  management(nodeIndex = 0): ManagementClient {
    return this.node(nodeIndex).management(this.initial.admin);
  }

  managementUrl(nodeIndex = 0): string {
    return `http://127.0.0.1:${this.node(nodeIndex).spec.ports.management}`;
  }

  node(index: number): RabbitNode {
    const node = this.nodes[index];
    if (!node) throw new Error(`no node ${index} in a ${this.nodes.length}-node cluster`);
    return node;
  }

  /** amqp:// URL for one node; credentials default to the administrator. */
  amqpUrl(options: { username?: string; password?: string; vhost?: string; node?: number } = {}): string {
    const username = encodeURIComponent(options.username ?? this.initial.admin.username);
    const password = encodeURIComponent(options.password ?? this.initial.admin.password);
    const vhost = encodeURIComponent(options.vhost ?? '/');
    const port = this.node(options.node ?? 0).spec.ports.amqp;
    return `amqp://${username}:${password}@127.0.0.1:${port}/${vhost}`;
  }

  /** One URL per node, for clients that fail over between nodes. */
  amqpUrls(options: { username?: string; password?: string; vhost?: string } = {}): string[] {
    return this.nodes.map((_, node) => this.amqpUrl({ ...options, node }));
  }

  /** Starts every node in parallel and waits until the cluster has formed. */
  async start(onProgress: (message: string) => void = () => {}): Promise<void> {
    // Started here rather than by the first node, so this cluster knows whether the epmd is its
    // own: the node would start one silently and leave it running after everything stopped.
    // Decided afresh on every start: an epmd found running now is someone else's, whatever an
    // old state file says.
    this.startedEpmd = await ensureEpmd(this.epmdPort);
    if (this.startedEpmd) {
      onProgress(`started epmd on 127.0.0.1:${this.epmdPort} (stopped with the cluster)`);
    }
    for (const node of this.nodes) node.start();
    onProgress(`starting ${this.nodes.length} RabbitMQ node(s)…`);
    await Promise.all(
      this.nodes.map(async (node) => {
        await node.waitUntilRunning(this.initial.admin);
        onProgress(`node ${node.nodeName} is up (amqp ${node.spec.ports.amqp}, management ${node.spec.ports.management})`);
      }),
    );
    if (this.nodes.length > 1) await this.waitForMembers(this.nodes.length);
  }

  /** Waits until `count` nodes report themselves running members of one cluster. */
  async waitForMembers(count: number, timeoutMs = 90_000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    let seen = 0;
    while (Date.now() < deadline) {
      const running = await this.management()
        .nodes()
        .then((nodes) => nodes.filter((node) => node.running).length)
        .catch(() => 0);
      seen = running;
      if (running >= count) return;
      await new Promise((resolve) => setTimeout(resolve, 250));
    }
    throw new Error(`cluster did not form: ${seen} of ${count} nodes running`);
  }

  /** Stops the nodes, then the epmd if start() started it and no other node has come to use it. */
  async stop(): Promise<void> {
    await Promise.all(this.nodes.map((node) => node.stop()));
    if (this.startedEpmd) {
      await stopOwnEpmd(this.epmdPort, this.initial.nodes.map((node) => node.name));
      this.startedEpmd = false;
    }
  }

  /** Stops the nodes and deletes their data. */
  async destroy(): Promise<void> {
    await this.stop();
    rmSync(this.initial.dir, { recursive: true, force: true });
  }
}

/** Creates the directories, admin user and ports for a new cluster, then starts it. */
export async function startLocalCluster(options: LocalClusterOptions = {}): Promise<LocalCluster> {
  const count = options.nodes ?? 1;
  const dir = options.dir ?? mkdtempSync(join(tmpdir(), 'eventplane-rabbit-'));
  mkdirSync(dir, { recursive: true });
  chmodSync(dir, 0o755);
  const prefix = options.namePrefix ?? `ep${process.pid}x${Date.now().toString(36)}`;
  const admin: AdminCredentials = { username: 'eventplane-admin', password: randomPassword() };
  writeBootDefinitions(join(dir, 'boot-definitions.json'), admin);
  const ports = await freePorts(count * 4);
  const nodes = Array.from({ length: count }, (_, i) => ({
    name: `${prefix}-${i + 1}`,
    ports: {
      amqp: ports[i * 4]!,
      management: ports[i * 4 + 1]!,
      prometheus: ports[i * 4 + 2]!,
      dist: ports[i * 4 + 3]!,
    },
  }));
  const cluster = new LocalCluster({
    dir,
    admin,
    nodes,
    epmdPort: options.epmdPort ?? epmdPortFromEnv(),
    ...(options.extraConfig ? { extraConfig: options.extraConfig } : {}),
  });
  try {
    await cluster.start(options.onProgress);
  } catch (error) {
    await cluster.stop().catch(() => {});
    throw error;
  }
  return cluster;
}

/**
 * The administrator is created from a salted hash at boot, so there is no guest user and no
 * password in a config file.
 */
function writeBootDefinitions(file: string, admin: AdminCredentials): void {
  const definitions = {
    users: [
      {
        name: admin.username,
        password_hash: rabbitPasswordHash(admin.password),
        hashing_algorithm: 'rabbit_password_hashing_sha256',
        tags: ['administrator'],
        limits: {},
      },
    ],
    vhosts: [{ name: '/' }],
    permissions: [{ user: admin.username, vhost: '/', configure: '.*', write: '.*', read: '.*' }],
  };
  writeFileSync(file, `${JSON.stringify(definitions, null, 2)}\n`, { mode: 0o644 });
}
