/**
 * The soak profile (`npm run chaos -- --soak 30m`): every service of services/registry.ts as a
 * real process (services/stack.ts, one PostgreSQL database, a schema each) on a local RabbitMQ
 * node, under a steady mixed load (./load.ts) for the given time, with consumer services
 * SIGKILLed and restarted at random moments (a bounded number, seeded). It samples each
 * service's RSS, counts the duplicates the services' inboxes absorbed (their
 * `eventplane_duplicates_total`), and at the end reads the ledger: every confirmed publish must
 * be a row in its consumer's durable inbox.
 */
import { mkdirSync, readFileSync } from 'node:fs';
import { appendFile } from 'node:fs/promises';
import { join } from 'node:path';
import pg from 'pg';
import { SERVICES } from '../../../services/registry.js';
import { Stack } from '../../../services/stack.js';
import { applyTopology } from '../../../src/local-cluster/apply-topology.js';
import { startLocalCluster } from '../../../src/local-cluster/local-cluster.js';
import { eventplaneSchemaOf } from '../../../src/service-kit/database.js';
import type { TopologyDocument } from '../../../src/topology/types.js';
import { startPostgres } from '../../../src/local-cluster/postgres-server.js';
import { REPO_ROOT } from '../contract.js';
import { startLoad, TARGETS } from './load.js';
import { RssSampler, type RssSummary } from './rss.js';

export interface SoakOptions {
  readonly durationMs: number;
  readonly ratePerSecond: number;
  readonly log?: (message: string) => void;
  readonly signal?: AbortSignal;
  /** Seed of the restart schedule (default: fixed, so two runs restart alike). */
  readonly seed?: number;
}

export interface SoakLedgerRow {
  readonly queue: string;
  readonly consumer: string;
  readonly kind: string;
  readonly confirmed: number;
  readonly handled: number;
  readonly lost: number;
  readonly duplicates: number;
  readonly deadLettered: number;
}

export interface SoakRun {
  readonly startedAt: string;
  readonly durationS: number;
  readonly warmupS: number;
  readonly ratePerSecond: number;
  /** Publishes attempted / confirmed per second over the load phase. */
  readonly achievedPerSecond: number;
  readonly publishFailed: number;
  readonly ledger: readonly SoakLedgerRow[];
  readonly lost: number;
  readonly duplicates: number;
  readonly restarts: ReadonlyArray<{ readonly service: string; readonly atS: number }>;
  readonly rss: readonly RssSummary[];
  /** RSS samples (MiB) per service over time, for the chart. */
  readonly series: Readonly<Record<string, ReadonlyArray<readonly [number, number]>>>;
  readonly drainS: number;
  /** Most messages waiting in the four target queues at one sample (the consumers' lag). */
  readonly peakBacklog: number;
  /** Messages still in the target queues when the ledger was read (0 unless the drain timed out). */
  readonly leftInQueues?: number;
  readonly rabbitmq: string;
  readonly error?: string;
}

/** The services that consume from a queue, and so may be restarted. */
const CONSUMERS = ['shop/cart', 'shop/inventory', 'shop/payment', 'shop/order', 'shop/checkout', 'clinic/notifications'];
/** Queues bound to the load's routing keys whose consumers are not part of the stack: purged, or they grow all along. */
const UNCONSUMED = [
  ['shop', 'analytics-service-queue'],
  ['shop', 'email-service-queue'],
  ['clinic', 'analytics.clinic.appointment.created'],
  ['clinic', 'apt.calendar-sync.queue'],
] as const;

const SAMPLE_EVERY_MS = 5_000;
/** The consumers may lag the load on a busy machine: they get up to the load's own duration (at most 30 min) to catch up. */
const drainTimeoutMs = (durationMs: number) => Math.min(1_800_000, Math.max(300_000, durationMs));

/** A small seeded generator (mulberry32): the restart schedule is reproducible. */
function random(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/**
 * Warm-up: a tenth of the run, between 30 s and 3 min. Restarts fall between the end of the
 * warm-up and a warm-up plus a minute before the end, so a restarted service is warm again
 * when the end RSS is taken. About one restart per 3 minutes, at least 2.
 */
export function soakPlan(durationMs: number, seed: number): { warmupMs: number; restarts: Array<{ atMs: number; service: string }> } {
  const warmupMs = Math.min(180_000, Math.max(30_000, durationMs / 10));
  const first = warmupMs + 30_000;
  const last = durationMs - warmupMs - 60_000;
  const rand = random(seed);
  const count = last > first ? Math.max(2, Math.floor(durationMs / 180_000)) : 0;
  const restarts = Array.from({ length: count }, (_, i) => ({
    atMs: Math.round(first + ((last - first) * (i + rand())) / count),
    service: CONSUMERS[Math.floor(rand() * CONSUMERS.length)]!,
  }));
  return { warmupMs, restarts };
}

export async function runSoak(options: SoakOptions): Promise<SoakRun> {
  const log = options.log ?? ((message: string) => process.stderr.write(`${message}\n`));
  const started = Date.now();
  const workDir = join(REPO_ROOT, '.eventplane', 'soak', `${process.pid}-${started.toString(36)}`);
  mkdirSync(workDir, { recursive: true });
  const { warmupMs, restarts: plan } = soakPlan(options.durationMs, options.seed ?? 18);
  const topology = JSON.parse(readFileSync(join(REPO_ROOT, 'generated', 'topology.json'), 'utf8')) as TopologyDocument;

  log(`soak: ${SERVICES.length} services, ${options.ratePerSecond} msg/s for ${options.durationMs / 1000} s (warm-up ${warmupMs / 1000} s), ${plan.length} consumer restarts; logs in ${workDir}`);
  log('starting PostgreSQL and a RabbitMQ node…');
  const [postgres, cluster] = await Promise.all([startPostgres(), startLocalCluster({ nodes: 1, onProgress: (m) => log(`  ${m}`) })]);
  let stack: Stack | undefined;
  let error: string | undefined;
  try {
    const management = cluster.management();
    const rabbitmq = String((await management.overview())['rabbitmq_version'] ?? '?');
    const applied = await applyTopology(management, topology);
    const admin = new pg.Client({ connectionString: postgres.url });
    await admin.connect();
    await admin.query('CREATE DATABASE soak');
    await admin.end();
    const databaseUrl = postgres.databaseUrl('soak');

    const serviceLog = join(workDir, 'services.log');
    stack = new Stack({
      amqpBase: `amqp://127.0.0.1:${cluster.nodes[0]!.spec.ports.amqp}`,
      users: applied.users,
      database: { kind: 'postgres', url: databaseUrl },
      ports: 'free',
      env: { LOG_LEVEL: 'warn', SHUTDOWN_TIMEOUT_MS: '15000' },
      serviceEnv: { 'clinic/notifications': { NOTIFICATIONS_FILE: join(workDir, 'notifications.jsonl') } },
      onLine: (id, line) => void appendFile(serviceLog, `${id} ${line}\n`).catch(() => undefined),
    });
    log(`starting ${SERVICES.length} services…`);
    await stack.start();
    const live = stack;

    const rss = new RssSampler(() => [...live.processes.entries()].map(([id, p]) => ({ id, pid: p.pid })));
    const duplicates = new DuplicateCounter(() => CONSUMERS.map((id) => ({ id, url: live.urls[id]!, pid: live.service(id).pid })));
    const load = await startLoad({ amqpBase: `amqp://127.0.0.1:${cluster.nodes[0]!.spec.ports.amqp}`, users: applied.users, ratePerSecond: options.ratePerSecond, logFile: join(workDir, 'load.log') });
    const loadStarted = Date.now();
    const restarts: Array<{ service: string; atS: number }> = [];
    log(`load running; sampling RSS every ${SAMPLE_EVERY_MS / 1000} s`);

    const purge = async () => {
      for (const [vhost, queue] of UNCONSUMED) {
        await management.request('DELETE', `/queues/${encodeURIComponent(vhost)}/${encodeURIComponent(queue)}/contents`).catch(() => undefined);
      }
    };
    const backlog = async () => {
      let waiting = 0;
      for (const target of TARGETS) waiting += Number((await management.queue(target.vhost, target.queue).catch(() => undefined))?.['messages'] ?? 0);
      return waiting;
    };
    let peakBacklog = 0;
    let nextRestart = 0;
    let lastLog = 0;
    while (Date.now() - loadStarted < options.durationMs) {
      if (options.signal?.aborted) throw new Error('interrupted');
      const elapsed = Date.now() - loadStarted;
      rss.sample(elapsed);
      await duplicates.scrape();
      await purge();
      peakBacklog = Math.max(peakBacklog, await backlog());
      const due = plan[nextRestart];
      if (due && elapsed >= due.atMs) {
        nextRestart++;
        const service = live.service(due.service);
        // Scrape once more right before the kill, so the counts of the dying process are kept.
        await duplicates.scrape();
        await service.kill();
        restarts.push({ service: due.service, atS: Math.round(elapsed / 1000) });
        log(`  +${Math.round(elapsed / 1000)} s: ${due.service} killed (SIGKILL); restarting`);
        await live.restart(due.service);
      }
      if (elapsed - lastLog >= 60_000) {
        lastLog = elapsed;
        const confirmed = [...load.counters.confirmed.values()].reduce((n, ids) => n + ids.length, 0);
        log(`  +${Math.round(elapsed / 1000)} s: ${confirmed} confirmed, ${load.counters.failed} failed, ${duplicates.total()} duplicates absorbed, backlog peak ${peakBacklog}`);
      }
      await new Promise((resolve) => setTimeout(resolve, SAMPLE_EVERY_MS));
    }
    const loadEndMs = Date.now() - loadStarted;
    rss.sample(loadEndMs);
    await load.stop();
    const loadSeconds = loadEndMs / 1000;
    log('load stopped; waiting for the consumers to drain…');

    const drainStarted = Date.now();
    const inbox = new InboxReader(databaseUrl);
    let handled = await inbox.handled();
    // Drained when every confirmed id is in its inbox (counting rows would also count publishes
    // that timed out unconfirmed yet were delivered) or nothing waits in the queues any more.
    const missing = () => TARGETS.reduce((n, t) => n + load.counters.confirmed.get(t.queue)!.filter((id) => !handled.get(t.queue)?.has(id)).length, 0);
    while (missing() > 0 && (await backlog()) > 0 && Date.now() - drainStarted < drainTimeoutMs(options.durationMs)) {
      await duplicates.scrape();
      await purge();
      await new Promise((resolve) => setTimeout(resolve, 2_000));
      handled = await inbox.handled();
    }
    await duplicates.scrape();
    await inbox.close();
    const leftInQueues = await backlog();
    const drainS = Math.round((Date.now() - drainStarted) / 1000);

    const ledger: SoakLedgerRow[] = [];
    for (const target of TARGETS) {
      const seen = handled.get(target.queue) ?? new Set<string>();
      const ids = load.counters.confirmed.get(target.queue)!;
      const dlq = await management.queue(target.vhost, target.dlq).catch(() => undefined);
      ledger.push({
        queue: target.queue,
        consumer: target.consumer,
        kind: target.kind,
        confirmed: ids.length,
        handled: ids.filter((id) => seen.has(id)).length,
        lost: ids.filter((id) => !seen.has(id)).length,
        duplicates: duplicates.byService(target.consumer),
        deadLettered: Number(dlq?.['messages'] ?? 0),
      });
    }
    const confirmed = ledger.reduce((n, row) => n + row.confirmed, 0);
    return {
      startedAt: new Date(started).toISOString(),
      durationS: Math.round(options.durationMs / 1000),
      warmupS: Math.round(warmupMs / 1000),
      ratePerSecond: options.ratePerSecond,
      achievedPerSecond: Math.round(confirmed / loadSeconds),
      publishFailed: load.counters.failed,
      ledger,
      lost: ledger.reduce((n, row) => n + row.lost, 0),
      duplicates: duplicates.total(),
      restarts,
      rss: rss.summary(warmupMs, loadEndMs, restarts),
      series: rss.series(),
      drainS,
      peakBacklog,
      leftInQueues,
      rabbitmq,
    };
  } catch (failure) {
    error = (failure as Error).message;
    log(`soak failed: ${error}`);
    throw failure;
  } finally {
    log('stopping the services, the node and PostgreSQL…');
    await stack?.stop().catch(() => undefined);
    await Promise.all([cluster.destroy().catch(() => undefined), postgres.stop().catch(() => undefined)]);
  }
}

/** Message ids each consumer's durable inbox recorded, by queue (the inbox's consumer name). */
class InboxReader {
  private readonly pool: pg.Pool;

  constructor(url: string) {
    this.pool = new pg.Pool({ connectionString: url, max: 2 });
    this.pool.on('error', () => undefined);
  }

  async handled(): Promise<Map<string, Set<string>>> {
    const result = new Map<string, Set<string>>();
    for (const target of TARGETS) {
      const schema = eventplaneSchemaOf(target.consumer.replace(/[^a-z0-9]+/gi, '_').toLowerCase());
      const { rows } = await this.pool.query<{ message_id: string }>(`SELECT message_id FROM "${schema}".inbox WHERE consumer = $1`, [target.queue]);
      result.set(target.queue, new Set(rows.map((row) => row.message_id)));
    }
    return result;
  }

  close(): Promise<void> {
    return this.pool.end();
  }
}

/**
 * Duplicates the services' inboxes skipped, from their `eventplane_duplicates_total`: the last
 * value scraped from each process (pid), summed, so a restarted service's counts add up.
 */
class DuplicateCounter {
  private readonly last = new Map<string, { service: string; value: number }>();

  constructor(private readonly targets: () => Array<{ id: string; url: string; pid: number | undefined }>) {}

  async scrape(): Promise<void> {
    await Promise.all(
      this.targets().map(async ({ id, url, pid }) => {
        if (pid === undefined) return;
        const text = await fetch(`${url}/metrics`, { signal: AbortSignal.timeout(3_000) })
          .then((r) => r.text())
          .catch(() => undefined);
        if (text === undefined) return;
        const value = text
          .split('\n')
          .filter((line) => line.startsWith('eventplane_duplicates_total{'))
          .reduce((n, line) => n + Number(line.slice(line.lastIndexOf(' ') + 1)), 0);
        this.last.set(`${id}#${pid}`, { service: id, value });
      }),
    );
  }

  byService(id: string): number {
    return [...this.last.values()].filter((entry) => entry.service === id).reduce((n, entry) => n + entry.value, 0);
  }

  total(): number {
    return [...this.last.values()].reduce((n, entry) => n + entry.value, 0);
  }
}
