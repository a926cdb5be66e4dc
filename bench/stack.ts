/**
 * `npm run bench:stack` — what running every service on one machine costs. Starts a RabbitMQ
 * node (its own, on free ports), applies the topology, then for each configuration starts the
 * services as `npm start` does and measures:
 *
 *   - time from spawning the processes to every `/readyz` answering 200;
 *   - each service's RSS at idle (median of samples over a few seconds after start-up);
 *   - each service's peak RSS under a short bounded load: the `npm start` demo flows (a clinic
 *     booking, checkouts that complete and fail, a price change) run by a few clients at once;
 *   - the total over the services, and the shared PostgreSQL server's own memory when one runs
 *     (PSS over its processes, after the load).
 *
 * Configurations (`--config`, repeatable; default `lean`):
 *   lean      compiled JavaScript on plain node, one local PostgreSQL for all (a schema each)
 *   baseline  the services as they ran before: TypeScript under tsx, an embedded PGlite each
 *
 *   --services a,b   service ids to start (default: every service in services/registry.ts)
 *   --clients N      concurrent demo clients under load (default 3)
 *   --rounds N       demo rounds per client (default 3)
 *   --json FILE      write the figures as JSON
 *   --no-svg         do not redraw docs/bench/stack.svg
 *
 * The lean configuration runs dist/: `npm run bench:stack` builds first.
 */
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { SERVICES } from '../services/registry.js';
import { Stack, type BrokerUser, type StackDatabase } from '../services/stack.js';
import { runDemo } from '../scripts/demo.js';
import { applyTopology } from '../src/local-cluster/apply-topology.js';
import { startLocalCluster } from '../src/local-cluster/local-cluster.js';
import { startPostgres, type PostgresServer } from '../src/local-cluster/postgres-server.js';
import type { TopologyDocument } from '../src/topology/types.js';
import { median, type ChartPanel } from './harness.js';
import { barChartSvg } from './svg-chart.js';

const CONFIGS = {
  lean: { label: 'compiled, node + one PostgreSQL', compiled: true, database: 'postgres' },
  baseline: { label: 'before: tsx + a PGlite each', compiled: false, database: 'pglite' },
} as const;
type ConfigName = keyof typeof CONFIGS;

/** The budget per service. */
const TARGET_IDLE_MB = 120;
const TARGET_LOAD_MB = 150;
const IDLE_SAMPLES = 10;
const SAMPLE_EVERY_MS = 250;

const log = (line: string) => process.stderr.write(`[bench:stack] ${line}\n`);
const say = (line = '') => process.stdout.write(`${line}\n`);

interface ServiceFigures {
  readonly idleMb: number;
  readonly loadMb: number;
}

interface RunFigures {
  readonly config: ConfigName;
  readonly label: string;
  readonly readyMs: number;
  readonly services: Readonly<Record<string, ServiceFigures>>;
  readonly totalIdleMb: number;
  readonly totalLoadMb: number;
  /** The shared PostgreSQL server's processes after the load (PSS), when one runs. */
  readonly databaseMb?: number;
  readonly demo: { readonly ok: number; readonly failed: number };
}

/** Resident set size of one process in MB (Linux /proc), undefined once it is gone. */
function rssMb(pid: number): number | undefined {
  try {
    const match = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return match ? Number(match[1]) / 1024 : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Proportional set size of a server and its children (the PostgreSQL postmaster and its
 * backends): shared buffers are counted once across them, where summing RSS would count them
 * once per backend.
 */
function treePssMb(rootPid: number): number {
  const children = new Map<number, number[]>();
  for (const entry of readdirProc()) {
    const stat = readFileSafe(`/proc/${entry}/stat`);
    const ppid = stat ? Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]) : NaN;
    if (Number.isInteger(ppid)) children.set(ppid, [...(children.get(ppid) ?? []), entry]);
  }
  let total = 0;
  const queue = [rootPid];
  while (queue.length > 0) {
    const pid = queue.pop()!;
    const match = /^Pss:\s+(\d+) kB/m.exec(readFileSafe(`/proc/${pid}/smaps_rollup`) ?? '');
    total += match ? Number(match[1]) / 1024 : 0;
    queue.push(...(children.get(pid) ?? []));
  }
  return total;
}

function readdirProc(): number[] {
  return readdirSync('/proc')
    .filter((entry) => /^\d+$/.test(entry))
    .map(Number);
}

function readFileSafe(path: string): string | undefined {
  try {
    return readFileSync(path, 'utf8');
  } catch {
    return undefined;
  }
}

/** Polls every service's /readyz until all answer 200 (bounded). */
async function allReady(urls: Readonly<Record<string, string>>, timeoutMs = 120_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  const pending = new Set(Object.keys(urls));
  while (pending.size > 0) {
    for (const id of [...pending]) {
      const status = await fetch(`${urls[id]}/readyz`, { signal: AbortSignal.timeout(2_000) }).then(
        (r) => r.status,
        () => 0,
      );
      if (status === 200) pending.delete(id);
    }
    if (pending.size === 0) return;
    if (Date.now() > deadline) throw new Error(`not ready within ${timeoutMs / 1000} s: ${[...pending].join(', ')}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

/** Samples every service's RSS every SAMPLE_EVERY_MS until `stop` is called; returns all samples. */
function sampler(pids: ReadonlyMap<string, number>): { stop(): Map<string, number[]> } {
  const samples = new Map<string, number[]>([...pids.keys()].map((id) => [id, []]));
  const take = () => {
    for (const [id, pid] of pids) {
      const mb = rssMb(pid);
      if (mb !== undefined) samples.get(id)!.push(mb);
    }
  };
  take();
  const timer = setInterval(take, SAMPLE_EVERY_MS);
  return {
    stop: () => {
      clearInterval(timer);
      take();
      return samples;
    },
  };
}

async function measure(config: ConfigName, ids: readonly string[], broker: { amqpBase: string; users: Readonly<Record<string, BrokerUser>> }, load: { clients: number; rounds: number }): Promise<RunFigures> {
  const spec = CONFIGS[config];
  let postgres: PostgresServer | undefined;
  let pgliteDir: string | undefined;
  let database: StackDatabase;
  if (spec.database === 'postgres') {
    log(`${config}: starting a local PostgreSQL…`);
    postgres = await startPostgres();
    database = { kind: 'postgres', url: postgres.url };
  } else {
    pgliteDir = mkdtempSync(join(tmpdir(), 'eventplane-bench-pglite-'));
    database = { kind: 'pglite', dir: pgliteDir };
  }
  const stack = new Stack({
    services: ids,
    amqpBase: broker.amqpBase,
    users: broker.users,
    database,
    ports: 'free',
    compiled: spec.compiled,
    // Eight PGlite processes initialising at once take minutes on a busy 2-core machine.
    startTimeoutMs: 600_000,
    env: { LOG_LEVEL: 'warn', NOTIFICATIONS_FILE: join(tmpdir(), `eventplane-bench-notifications-${process.pid}.jsonl`) },
    onLine: (id, line, stream) => {
      if (stream === 'stderr') log(`${config} ${id}: ${line}`);
    },
  });
  try {
    log(`${config}: starting ${ids.length} services (${spec.label})…`);
    const started = performance.now();
    await stack.start();
    await allReady(stack.urls);
    const readyMs = performance.now() - started;
    log(`${config}: all /readyz = 200 after ${(readyMs / 1000).toFixed(1)} s`);
    const pids = new Map([...stack.processes].map(([id, p]) => [id, p.pid!]));

    const idle = sampler(pids);
    await new Promise((resolve) => setTimeout(resolve, IDLE_SAMPLES * SAMPLE_EVERY_MS));
    const idleSamples = idle.stop();

    log(`${config}: load: ${load.clients} clients × ${load.rounds} demo rounds…`);
    const busy = sampler(pids);
    let ok = 0;
    let failed = 0;
    const count = (line: string) => {
      if (line.includes('✓')) ok += 1;
      if (line.includes('✗')) failed += 1;
    };
    await Promise.all(
      Array.from({ length: load.clients }, async () => {
        for (let round = 0; round < load.rounds; round++) await runDemo(stack.urls, count);
      }),
    );
    const loadSamples = busy.stop();
    const databaseMb = postgres ? treePssMb(postgres.pid) : undefined;

    const services: Record<string, ServiceFigures> = {};
    for (const id of ids) services[id] = { idleMb: median(idleSamples.get(id)!), loadMb: Math.max(...loadSamples.get(id)!) };
    const figures = Object.values(services);
    return {
      config,
      label: spec.label,
      readyMs,
      services,
      totalIdleMb: figures.reduce((sum, f) => sum + f.idleMb, 0),
      totalLoadMb: figures.reduce((sum, f) => sum + f.loadMb, 0),
      ...(databaseMb !== undefined ? { databaseMb } : {}),
      demo: { ok, failed },
    };
  } finally {
    await stack.stop();
    await postgres?.stop();
    if (pgliteDir) rmSync(pgliteDir, { recursive: true, force: true });
  }
}

function printTable(runs: readonly RunFigures[], ids: readonly string[]): void {
  const header = ['service', ...runs.flatMap((r) => [`${r.config} idle MB`, `${r.config} load MB`])];
  const rows = ids.map((id) => [id, ...runs.flatMap((r) => [r.services[id]!.idleMb.toFixed(0), r.services[id]!.loadMb.toFixed(0)])]);
  rows.push(['total (services)', ...runs.flatMap((r) => [r.totalIdleMb.toFixed(0), r.totalLoadMb.toFixed(0)])]);
  rows.push(['shared PostgreSQL (PSS)', ...runs.flatMap((r) => [r.databaseMb !== undefined ? '' : '—', r.databaseMb !== undefined ? r.databaseMb.toFixed(0) : '—'])]);
  rows.push(['time to all /readyz (s)', ...runs.flatMap((r) => [(r.readyMs / 1000).toFixed(1), ''])]);
  rows.push(['demo flows ok/failed', ...runs.flatMap((r) => ['', `${r.demo.ok}/${r.demo.failed}`])]);
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((row) => row[i]!.length)));
  const line = (cells: readonly string[]) => cells.map((cell, i) => (i === 0 ? cell.padEnd(widths[i]!) : cell.padStart(widths[i]!))).join('  ');
  say();
  say(line(header));
  say(widths.map((w) => '-'.repeat(w)).join('  '));
  for (const row of rows) say(line(row));
  say();
  for (const run of runs) {
    const worstIdle = Math.max(...Object.values(run.services).map((s) => s.idleMb));
    const worstLoad = Math.max(...Object.values(run.services).map((s) => s.loadMb));
    say(
      `${run.config} (${run.label}): largest service ${worstIdle.toFixed(0)} MB idle (target ≤ ${TARGET_IDLE_MB}: ${worstIdle <= TARGET_IDLE_MB ? 'ok' : 'MISSED'}), ` +
        `${worstLoad.toFixed(0)} MB under load (target ≤ ${TARGET_LOAD_MB}: ${worstLoad <= TARGET_LOAD_MB ? 'ok' : 'MISSED'})`,
    );
  }
  const [baseline, lean] = [runs.find((r) => r.config === 'baseline'), runs.find((r) => r.config === 'lean')];
  if (baseline && lean) {
    say(
      `lean / baseline, same run: total idle RSS ${(lean.totalIdleMb / baseline.totalIdleMb).toFixed(2)}×, under load ${(lean.totalLoadMb / baseline.totalLoadMb).toFixed(2)}×, ` +
        `time to ready ${(lean.readyMs / baseline.readyMs).toFixed(2)}×`,
    );
  }
}

function chart(runs: readonly RunFigures[], ids: readonly string[]): string {
  const short = (id: string) => id.split('/')[1]!;
  const panels: ChartPanel[] = [
    { title: 'RSS per service, idle', unit: 'MB', groups: ids.map((id) => ({ label: short(id), bars: runs.map((r) => ({ series: r.label, value: Math.round(r.services[id]!.idleMb) })) })) },
    { title: 'RSS per service, peak under load', unit: 'MB', groups: ids.map((id) => ({ label: short(id), bars: runs.map((r) => ({ series: r.label, value: Math.round(r.services[id]!.loadMb) })) })) },
    {
      title: 'Whole stack',
      unit: 'MB · s',
      groups: [
        { label: 'idle MB', bars: runs.map((r) => ({ series: r.label, value: Math.round(r.totalIdleMb + (r.databaseMb ?? 0)) })) },
        { label: 'load MB', bars: runs.map((r) => ({ series: r.label, value: Math.round(r.totalLoadMb + (r.databaseMb ?? 0)) })) },
        { label: 'ready s', bars: runs.map((r) => ({ series: r.label, value: Math.round(r.readyMs / 100) / 10 })) },
      ],
    },
  ];
  return barChartSvg(`${ids.length} services on one machine: RSS and time to ready`, panels, `npm run bench:stack, ${new Date().toISOString().slice(0, 10)}; whole-stack totals include the shared PostgreSQL`);
}

async function main(): Promise<number> {
  const { values } = parseArgs({
    options: {
      config: { type: 'string', multiple: true },
      services: { type: 'string' },
      clients: { type: 'string', default: '3' },
      rounds: { type: 'string', default: '3' },
      json: { type: 'string' },
      'no-svg': { type: 'boolean', default: false },
    },
  });
  const configs = (values.config ?? ['lean']) as ConfigName[];
  const unknown = configs.filter((c) => !(c in CONFIGS));
  if (unknown.length > 0) throw new Error(`unknown --config ${unknown.join(', ')} (have: ${Object.keys(CONFIGS).join(', ')})`);
  const ids = values.services ? values.services.split(',') : SERVICES.map((s) => s.id);
  const load = { clients: Number(values.clients), rounds: Number(values.rounds) };

  const topology = JSON.parse(readFileSync('generated/topology.json', 'utf8')) as TopologyDocument;
  log('starting a RabbitMQ node for this run…');
  const cluster = await startLocalCluster({ nodes: 1, onProgress: log });
  const runs: RunFigures[] = [];
  try {
    const applied = await applyTopology(cluster.management(), topology);
    const broker = { amqpBase: cluster.nodes.map((node) => `amqp://127.0.0.1:${node.spec.ports.amqp}`).join(','), users: applied.users };
    for (const config of configs) runs.push(await measure(config, ids, broker, load));
  } finally {
    log('stopping the benchmark node');
    await cluster.destroy();
  }
  printTable(runs, ids);
  if (!values['no-svg']) {
    writeFileSync('docs/bench/stack.svg', chart(runs, ids));
    log('chart written to docs/bench/stack.svg');
  }
  if (values.json) writeFileSync(values.json, `${JSON.stringify({ stack: runs }, null, 2)}\n`);
  return 0;
}

process.exitCode = await main();
