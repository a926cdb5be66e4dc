import { existsSync, readFileSync } from 'node:fs';
import type { Command } from '../command.js';
import { parseCommandArgs } from '../args.js';
import { UserError } from '../../shared/user-error.js';
import { LocalCluster, startLocalCluster } from '../../local-cluster/local-cluster.js';
import { applyTopology } from '../../local-cluster/apply-topology.js';
import {
  defaultNodeDir,
  readClusterRecord,
  removeClusterRecord,
  stateFilePath,
  writeClusterRecord,
  type LocalClusterRecord,
} from '../../local-cluster/state-file.js';
import type { TopologyDocument } from '../../topology/types.js';
import { describeUnconsumed, unconsumedQueues, type LiveQueue } from '../../local-cluster/unconsumed-queues.js';

const usage = `Usage: eventplane local-cluster up|down|status [options]

  up       start RabbitMQ node(s) from this machine's rabbitmq-server on free 127.0.0.1 ports,
           apply the topology (vhosts, exchanges, queues, policies, one user per service)
           and print the URLs; restarts a stopped cluster on its existing data
  down     stop the nodes and delete their data
  status   show the nodes, cluster membership and queue depths, and flag every queue of the
           topology that has no consumer

Options:
  --nodes N          number of nodes for \`up\` (default 1; 3 forms a real cluster)
  --topology FILE    topology document to apply, or for \`status\` to know which queues need a
                     consumer (default generated/topology.json)
  --json             machine-readable output for \`status\` and \`up\`

Credentials are kept in .eventplane/local-cluster.json (mode 0600, git-ignored), never printed.`;

const progress = (message: string) => process.stderr.write(`  ${message}\n`);

export const command: Command = {
  summary: 'start, inspect or stop a local RabbitMQ node or 3-node cluster with the topology applied',
  usage,
  async run(argv) {
    const { values, positionals } = parseCommandArgs(
      argv,
      { nodes: { type: 'string' }, topology: { type: 'string' }, json: { type: 'boolean' } },
      usage,
    );
    const [action] = positionals;
    if (action === 'up') return up(Number(values.nodes ?? 1), values.topology ?? 'generated/topology.json', values.json ?? false);
    if (action === 'down') return down();
    if (action === 'status') return status(values.json ?? false, values.topology ?? 'generated/topology.json');
    throw new UserError(`expected up, down or status\n\n${usage}`);
  },
};

async function up(nodes: number, topologyFile: string, json: boolean): Promise<number> {
  if (!Number.isInteger(nodes) || nodes < 1 || nodes > 7) throw new UserError('--nodes must be an integer from 1 to 7');
  const existing = readClusterRecord();
  let cluster: LocalCluster;
  if (existing) {
    cluster = new LocalCluster(existing);
    if (cluster.nodes.every((node) => node.isProcessAlive())) {
      progress('local cluster already running');
    } else {
      progress('restarting the local cluster on its existing data');
      await cluster.start(progress);
    }
  } else {
    cluster = await startLocalCluster({ nodes, dir: defaultNodeDir(), onProgress: progress });
  }
  let services = existing?.services ?? {};
  if (existsSync(topologyFile)) {
    const topology = JSON.parse(readFileSync(topologyFile, 'utf8')) as TopologyDocument;
    progress(`applying ${topologyFile}: ${topology.vhosts.length} vhosts, ${topology.queues.length} queues, ${topology.users.length} users`);
    const passwords = Object.fromEntries(Object.values(services).map((s) => [s.username, s.password]));
    services = (await applyTopology(cluster.management(), topology, { passwords })).users;
  } else {
    progress(`no ${topologyFile} yet: run \`npm run generate\`, then \`eventplane local-cluster up\` again to apply it`);
  }
  const record: LocalClusterRecord = {
    ...cluster.state,
    createdAt: existing?.createdAt ?? new Date().toISOString(),
    topologyFile: existsSync(topologyFile) ? topologyFile : undefined,
    services,
  };
  writeClusterRecord(record);
  printSummary(cluster, record, json);
  return 0;
}

function printSummary(cluster: LocalCluster, record: LocalClusterRecord, json: boolean): void {
  const summary = {
    managementUi: cluster.managementUrl(),
    admin: record.admin.username,
    amqp: cluster.nodes.map((node) => `amqp://127.0.0.1:${node.spec.ports.amqp}`),
    prometheus: cluster.nodes.map((node) => `http://127.0.0.1:${node.spec.ports.prometheus}/metrics`),
    services: Object.fromEntries(Object.entries(record.services).map(([id, s]) => [id, { user: s.username, vhost: s.vhost }])),
    credentials: stateFilePath(),
  };
  if (json) {
    process.stdout.write(`${JSON.stringify(summary, null, 2)}\n`);
    return;
  }
  const lines = [
    `RabbitMQ ${cluster.nodes.length === 1 ? 'node' : `${cluster.nodes.length}-node cluster`} is running`,
    `  management UI  ${summary.managementUi}  (user ${summary.admin})`,
    ...summary.amqp.map((url, i) => `  amqp node ${i + 1}    ${url}`),
    `  prometheus     ${summary.prometheus[0]}`,
    `  service users  ${Object.keys(summary.services).length}`,
    `  credentials    ${summary.credentials} (mode 0600)`,
  ];
  process.stdout.write(`${lines.join('\n')}\n`);
}

async function down(): Promise<number> {
  const record = readClusterRecord();
  if (!record) {
    process.stdout.write('no local cluster recorded in .eventplane/\n');
    return 0;
  }
  progress(`stopping ${record.nodes.length} node(s)…`);
  await new LocalCluster(record).destroy();
  removeClusterRecord();
  process.stdout.write('local cluster stopped and its data deleted\n');
  return 0;
}

async function status(json: boolean, topologyFile: string): Promise<number> {
  const record = readClusterRecord();
  if (!record) {
    process.stdout.write('no local cluster: run `eventplane local-cluster up`\n');
    return 1;
  }
  const cluster = new LocalCluster(record);
  const alive = cluster.nodes.map((node) => ({ node: node.nodeName, running: node.isProcessAlive(), amqp: node.spec.ports.amqp }));
  const upIndex = alive.findIndex((node) => node.running);
  const queues =
    upIndex < 0
      ? []
      : await cluster
          .management(upIndex)
          .get<LiveQueue[]>('/queues?columns=vhost,name,messages,consumers')
          .catch(() => []);
  // Without the topology there is no telling consumer queues from retry and dead-letter ones.
  const topology = existsSync(topologyFile) ? (JSON.parse(readFileSync(topologyFile, 'utf8')) as TopologyDocument) : undefined;
  const unconsumed = topology ? unconsumedQueues(topology, queues) : [];
  if (json) {
    process.stdout.write(`${JSON.stringify({ nodes: alive, queues, unconsumed }, null, 2)}\n`);
  } else {
    for (const node of alive) process.stdout.write(`${node.running ? '●' : '○'} ${node.node} amqp ${node.amqp} ${node.running ? 'running' : 'stopped'}\n`);
    if (upIndex >= 0) process.stdout.write(`  management UI ${cluster.managementUrl(upIndex)}\n`);
    const busy = queues.filter((q) => (q.messages ?? 0) > 0);
    process.stdout.write(`  ${queues.length} queues, ${busy.length} holding messages\n`);
    for (const q of busy) process.stdout.write(`    ${q.vhost}/${q.name}: ${q.messages} messages, ${q.consumers ?? 0} consumers\n`);
    if (upIndex >= 0 && !topology) process.stdout.write(`  (no ${topologyFile}: queues without a consumer are not checked)\n`);
    for (const line of describeUnconsumed(unconsumed)) process.stdout.write(`${line}\n`);
  }
  return alive.every((node) => node.running) ? 0 : 1;
}
