/**
 * `npm start`: everything running on one machine, from the contracts to a checkout. The npm
 * script first generates (the contracts → generated/, only changed files written) and builds
 * (`npm run build` → dist/, incremental), then runs this file compiled, on plain node:
 *
 *   1. broker        AMQP_URL if set; else a local RabbitMQ node from this machine's
 *                    rabbitmq-server (the one `eventplane local-cluster up` runs, if it is up);
 *                    else — no RabbitMQ here — the in-memory transport, all services in this process
 *   2. topology      vhosts, exchanges, queues, policies and one user per service
 *   3. database      DATABASE_URL if set; else one local PostgreSQL from this machine's postgresql
 *                    package, a schema per service (started like the broker, removed on exit);
 *                    else — no PostgreSQL here — an embedded PGlite per service in .eventplane/data
 *   4. services      every service as a process (compiled, plain node) with its own broker user,
 *                    port and schema
 *   5. demo          an appointment booked, a checkout completed, one declined, a price change
 *   6. where to look management UI, the services' URLs and API docs, the event catalog
 *
 * Ctrl-C stops what it started: the services (gracefully), the catalog server, the PostgreSQL
 * server, the RabbitMQ node and the epmd that node needed if none was running before (one that
 * was, or that another node came to use meanwhile, is left alone) — a node `local-cluster up`
 * started is left running.
 */
import { chmodSync, mkdirSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import pc from 'picocolors';
import { servicesOf, SYSTEMS } from '../services/registry.js';
import { Stack, type StackDatabase } from '../services/stack.js';
import { ManagementClient } from '../src/broker/management-client.js';
import { applyTopology, type AppliedTopology } from '../src/local-cluster/apply-topology.js';
import { LocalCluster, startLocalCluster } from '../src/local-cluster/local-cluster.js';
import { postgresInstalled, startPostgres } from '../src/local-cluster/postgres-server.js';
import { rabbitmqInstalled, requireRabbitmq } from '../src/local-cluster/rabbitmq-install.js';
import { startSmtpSink, type SmtpSink } from '../src/local-cluster/smtp-sink.js';
import { defaultNodeDir, readClusterRecord, removeClusterRecord, stateFilePath, writeClusterRecord } from '../src/local-cluster/state-file.js';
import { formatLogLine, servicePrefix } from '../src/service-kit/log-format.js';
import type { TopologyDocument } from '../src/topology/types.js';
import type { Watcher } from '../src/compiler/watch.js';
import { drawFlows, linkFromCatalog, type DrawnFlow } from '../src/trace-view/local-traces.js';
import { otlpEnvFor, startOtlpReceiver, type OtlpReceiver } from '../src/trace-view/otlp-receiver.js';
import { runDemo, type DemoFlow } from './demo.js';
import { watchServices } from './dev/watch-services.js';
import { memoryNotice } from './memory-notice.js';
import { printSummary, say, serveCatalog, STATE_DIR, step, stopOnInterrupt, type BrokerSummary } from './start-common.js';
import { startInProcess } from './start-in-process.js';

const HELP = `Usage: npm start [-- --system <name>]… [-- --memory] [-- --no-demo] [-- --fresh]

Starts a RabbitMQ node (or uses AMQP_URL), applies the topology, starts every service, runs a
short demo and prints where to look. Ctrl-C stops everything it started.

  --system    run only this system's services and demo flows (repeatable; ${SYSTEMS.join(', ')})
  --memory    run on the in-memory transport in one process, even when RabbitMQ is installed
  --no-demo   start everything but skip the demo flow
  --fresh     delete the services' PGlite data (.eventplane/data) first (only used without PostgreSQL)
  --watch     then regenerate on every contract save and restart the services whose generated
              code changed (\`npm run dev\`; services as processes only)

Environment:
  AMQP_URL        use this broker (amqp://admin:password@host:5672); the topology is applied through
                  its management API at MANAGEMENT_URL (default http://<host>:15672, same user)
  DATABASE_URL    PostgreSQL for every service (one schema each) instead of a local server
  LOG_LEVEL       the services' log level (default info)
  OTEL_EXPORTER_OTLP_ENDPOINT
                  send the services' traces there (your Jaeger: http://localhost:4318) instead of
                  receiving them here and drawing each demo flow into .eventplane/traces/`;

interface Broker extends BrokerSummary {
  readonly amqpBase: string;
  readonly applied: AppliedTopology;
  /** Stops what this run started (nothing for AMQP_URL or a cluster `local-cluster up` owns). */
  stop(): Promise<void>;
}

async function main(): Promise<number> {
  const { values } = parseArgs({
    options: {
      memory: { type: 'boolean' },
      'no-demo': { type: 'boolean' },
      fresh: { type: 'boolean' },
      watch: { type: 'boolean' },
      system: { type: 'string', multiple: true },
      help: { type: 'boolean', short: 'h' },
    },
    allowPositionals: false,
  });
  if (values.help) {
    say(HELP);
    return 0;
  }
  let services: ReturnType<typeof servicesOf>;
  try {
    services = servicesOf(values.system ?? []);
  } catch (error) {
    say(pc.red((error as Error).message));
    return 2;
  }
  mkdirSync(STATE_DIR, { recursive: true });
  // It holds broker credentials and the notifications' personal data: this user's only.
  chmodSync(STATE_DIR, 0o700);
  if (values.fresh) rmSync(join(STATE_DIR, 'data'), { recursive: true, force: true });

  const topology = JSON.parse(readFileSync('generated/topology.json', 'utf8')) as TopologyDocument;

  const notice = memoryNotice({
    memoryRequested: values.memory === true,
    amqpUrlSet: Boolean(process.env['AMQP_URL']),
    rabbitmqInstalled: rabbitmqInstalled(),
    cannotRunNodes: cannotRunNodes(),
  });
  if (notice !== undefined) {
    say();
    say(pc.yellow(`${pc.bold('In-memory transport')}: ${notice.reason}.`));
    say(pc.yellow('All services run in this one process and talk through an in-memory broker: no RabbitMQ, nothing leaves this process.'));
    say(pc.yellow(notice.advice));
    say();
    if (values.watch) say(pc.yellow('--watch restarts services that run as processes; with the in-memory transport it is ignored.'));
    return startInProcess({ topology, services, demo: !values['no-demo'] });
  }

  const broker = process.env['AMQP_URL'] ? await externalBroker(process.env['AMQP_URL'], topology) : await localBroker(topology);
  let stack: Stack | undefined;
  let database: Database | undefined;
  let catalog: { url: string; close(): Promise<void> } | undefined;
  let watcher: Watcher | undefined;
  let mail: SmtpSink | undefined;
  // Traces: to the user's OTLP endpoint if set, else to a receiver here that draws them.
  const traces: OtlpReceiver | undefined = process.env['OTEL_EXPORTER_OTLP_ENDPOINT'] ? undefined : await startOtlpReceiver();
  let stopping: Promise<void> | undefined;
  const stopAll = () =>
    (stopping ??= (async () => {
      say();
      step('stopping the services…');
      await watcher?.close();
      await stack?.stop();
      await catalog?.close();
      await mail?.close();
      await traces?.close();
      await database?.stop();
      await broker.stop();
      say(pc.green('stopped everything npm start started.'));
    })());
  stopOnInterrupt(stopAll, () => {
    for (const child of stack?.processes.values() ?? []) void child.kill();
  });

  try {
    const width = Math.max(...services.map((s) => s.id.length));
    const index = new Map(services.map((s, i) => [s.id, i]));
    database = await openDatabase();
    // saas/email sends through SMTP: a local sink receives it into .eventplane/mail/.
    if (services.some((s) => s.id === 'saas/email')) mail = await startSmtpSink({ dir: join(STATE_DIR, 'mail') });
    step(`starting ${services.length} services (${database.describe}, a schema each)…`);
    stack = new Stack({
      services: services.map((s) => s.id),
      amqpBase: broker.amqpBase,
      users: broker.applied.users,
      database: database.stack,
      ports: 'preferred',
      env: { LOG_LEVEL: process.env['LOG_LEVEL'] ?? 'info', ...(traces ? otlpEnvFor(traces.endpoint) : {}) },
      serviceEnv: {
        'clinic/notifications': { NOTIFICATIONS_FILE: join(STATE_DIR, 'notifications.jsonl') },
        ...(mail ? { 'saas/email': { SMTP_HOST: mail.host, SMTP_PORT: String(mail.port) } } : {}),
      },
      onLine: (id, line) => say(`${servicePrefix(id, index.get(id) ?? 0, width)} ${formatLogLine(line)}`),
    });
    await stack.start();
    say();
    const flows: DemoFlow[] = [];
    if (!values['no-demo']) {
      step('demo');
      await runDemo(stack.urls, say, { onFlow: (flow) => flows.push(flow) });
      say();
    }
    const drawn = await showTraces(flows, traces);
    catalog = await serveCatalog();
    if (catalog) linkFromCatalog(join(STATE_DIR, 'catalog'), TRACES_DIR, drawn);
    printSummary({ broker, urls: stack.urls, ...(catalog ? { catalog: catalog.url } : {}) });
    if (values.watch) {
      const running = stack;
      watcher = watchServices({ services: services.filter((s) => running.processes.has(s.id)), restart: (id) => running.restart(id), say });
      await watcher.ready;
      step('watching asyncapi/ (Ctrl-C to stop): a save regenerates and restarts the services whose generated code changed');
    }
  } catch (error) {
    say(pc.red(`npm start failed: ${(error as Error).message}`));
    await stopAll();
    return 1;
  }
  await new Promise(() => undefined);
  return 0;
}

const TRACES_DIR = join(STATE_DIR, 'traces');

/** Each flow's trace id, and where its waterfall is (drawn from the local receiver's spans). */
async function showTraces(flows: readonly DemoFlow[], receiver: OtlpReceiver | undefined): Promise<DrawnFlow[]> {
  if (flows.length === 0) return [];
  if (!receiver) {
    step(`traces went to ${process.env['OTEL_EXPORTER_OTLP_ENDPOINT']} (OTEL_EXPORTER_OTLP_ENDPOINT); look them up by id:`);
    for (const flow of flows) say(`  ${flow.name.padEnd(24)} trace ${flow.traceId}`);
    say();
    return [];
  }
  step('drawing each demo flow’s trace…');
  const drawn = await drawFlows(receiver, flows, TRACES_DIR);
  for (const flow of drawn) say(`  ${flow.name.padEnd(24)} trace ${flow.traceId}  ${flow.spans} spans, ${flow.services.length} services → ${join(TRACES_DIR, flow.file)}`);
  say();
  return drawn;
}

/** Why this process cannot run RabbitMQ nodes itself (undefined when it can, or none is installed). */
function cannotRunNodes(): string | undefined {
  if (!rabbitmqInstalled()) return undefined;
  try {
    requireRabbitmq();
    return undefined;
  } catch (error) {
    return (error as Error).message.replace(/\.$/, '');
  }
}

interface Database {
  readonly describe: string;
  readonly stack: StackDatabase;
  stop(): Promise<void>;
}

/**
 * One PostgreSQL for every service: DATABASE_URL's, else a local server started from this
 * machine's postgresql package. An embedded PGlite costs 300–850 MB a process, so it is the
 * fallback only where PostgreSQL is not installed.
 */
async function openDatabase(): Promise<Database> {
  const url = process.env['DATABASE_URL'];
  if (url) return { describe: 'PostgreSQL from DATABASE_URL', stack: { kind: 'postgres', url }, stop: async () => undefined };
  if (postgresInstalled()) {
    step('starting a local PostgreSQL from this machine’s postgresql package…');
    const server = await startPostgres();
    return {
      describe: `a local PostgreSQL on 127.0.0.1:${server.port}`,
      stack: { kind: 'postgres', url: server.url },
      stop: async () => {
        step('stopping the local PostgreSQL and deleting its data…');
        await server.stop();
      },
    };
  }
  say(pc.yellow('PostgreSQL is not installed (apt-get install postgresql): each service embeds its own PGlite, about 400 MB a process.'));
  return { describe: 'PGlite in .eventplane/data', stack: { kind: 'pglite', dir: join(STATE_DIR, 'data') }, stop: async () => undefined };
}

async function localBroker(topology: TopologyDocument): Promise<Broker> {
  const record = readClusterRecord();
  let cluster: LocalCluster;
  let stop: () => Promise<void>;
  if (record && new LocalCluster(record).nodes.every((node) => node.isProcessAlive())) {
    cluster = new LocalCluster(record);
    step(`using the RabbitMQ node(s) \`eventplane local-cluster up\` started (left running on exit)`);
    stop = async () => undefined;
  } else if (record) {
    cluster = new LocalCluster(record);
    step('restarting the local RabbitMQ cluster recorded in .eventplane/ on its data…');
    await cluster.start((line) => say(pc.dim(`    ${line}`)));
    stop = async () => {
      step('stopping the RabbitMQ node(s)…');
      await cluster.stop();
    };
  } else {
    step('starting a RabbitMQ node from this machine’s rabbitmq-server (≈15 s)…');
    cluster = await startLocalCluster({ nodes: 1, dir: defaultNodeDir(), onProgress: (line) => say(pc.dim(`    ${line}`)) });
    stop = async () => {
      step('stopping the RabbitMQ node and deleting its data…');
      await cluster.destroy();
      removeClusterRecord();
    };
  }
  step(`applying the topology: ${topology.vhosts.length} vhosts, ${topology.queues.length} queues, ${topology.users.length} service users`);
  const previous = record?.services ?? {};
  const applied = await applyTopology(cluster.management(), topology, {
    passwords: Object.fromEntries(Object.values(previous).map((s) => [s.username, s.password])),
  });
  writeClusterRecord({ ...cluster.state, createdAt: record?.createdAt ?? new Date().toISOString(), topologyFile: 'generated/topology.json', services: applied.users });
  return {
    describe: `a local RabbitMQ ${cluster.nodes.length === 1 ? 'node' : `${cluster.nodes.length}-node cluster`}`,
    amqpBase: cluster.nodes.map((node) => `amqp://127.0.0.1:${node.spec.ports.amqp}`).join(','),
    management: { url: cluster.managementUrl(), user: cluster.admin.username, credentials: `${stateFilePath()} (mode 0600)` },
    local: true,
    applied,
    stop,
  };
}

async function externalBroker(amqpUrl: string, topology: TopologyDocument): Promise<Broker> {
  const url = new URL(amqpUrl);
  const username = decodeURIComponent(url.username);
  const password = decodeURIComponent(url.password);
  if (!username || !password) throw new Error('AMQP_URL must carry an administrator: amqp://user:password@host:5672 (services get users of their own)');
  const managementUrl = process.env['MANAGEMENT_URL'] ?? `http://${url.hostname}:15672`;
  step(`using the broker at ${url.host} (AMQP_URL); applying the topology through ${managementUrl}`);
  const applied = await applyTopology(new ManagementClient({ url: managementUrl, username, password }), topology);
  return {
    describe: `the RabbitMQ at ${url.host} (AMQP_URL)`,
    amqpBase: `${url.protocol}//${url.host}`,
    management: { url: managementUrl, user: `${username} (from AMQP_URL)` },
    applied,
    stop: async () => undefined,
  };
}

process.exitCode = await main().catch((error: unknown) => {
  process.stderr.write(`${pc.red('npm start failed:')} ${(error as Error).message}\n`);
  return 1;
});
