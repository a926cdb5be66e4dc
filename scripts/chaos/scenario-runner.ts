/**
 * Runs one chaos scenario: its own vhost and users (the chaos topology applied under a
 * namespace), its own producer and consumer databases, a producer and a consumer process; the
 * fault is injected once the stream has reached `faultAt` of its entries; then the stream is
 * drained (bounded) and the ledger is read from the databases.
 */
import { join } from 'node:path';
import pg from 'pg';
import type { LocalCluster } from '../../src/local-cluster/local-cluster.js';
import { applyTopology } from '../../src/local-cluster/apply-topology.js';
import type { AlarmObservation } from './alarm-probe.js';
import { liveManagement, queueDepth } from './broker-faults.js';
import type { ChaosContract } from './contract.js';
import { ScenarioDatabases, type LedgerDetail, type LedgerRow, type Progress } from './ledger.js';
import { WorkerProcess, describe, type ExitStatus } from './worker-process.js';
import type { ConsumerConfig, ProducerConfig, WorkerConfig } from './worker-support.js';

export interface ChaosEnvironment {
  readonly cluster: LocalCluster;
  /** Superuser URL of the PostgreSQL server's `postgres` database. */
  readonly postgresUrl: string;
  databaseUrl(database: string): string;
  readonly contract: ChaosContract;
  readonly workDir: string;
  readonly log: (message: string) => void;
  /** Aborted when the run is interrupted (Ctrl-C): the scenario stops and the ledger is still read. */
  readonly signal?: AbortSignal;
}

export interface StreamSize {
  readonly events: number;
  readonly ratePerSecond: number;
}

/** What a scenario's fault can reach. */
export interface FaultContext {
  readonly env: ChaosEnvironment;
  /** Record the moment a fault struck (recovery is measured from it). */
  fault(at?: number): void;
  /** The consumer process of the moment; `restartConsumer` replaces it. */
  consumer(): WorkerProcess;
  restartConsumer(): Promise<void>;
  producer(): WorkerProcess;
  restartProducer(): Promise<void>;
  readonly databases: ScenarioDatabases;
  /** Broker users of this scenario's services. */
  readonly users: ReadonlySet<string>;
  readonly vhost: string;
  /** Record what a broker-alarm scenario's witness saw (kept in the outcome). */
  observe(observation: AlarmObservation): void;
}

export interface Scenario {
  readonly name: string;
  /** One line for the report: what the fault is. */
  readonly title: string;
  readonly size: StreamSize;
  /** Share of the stream committed when the fault is injected. */
  readonly faultAt: number;
  /** Node URLs in the order the clients try them (default: node order). */
  urlOrder?(env: ChaosEnvironment, vhost: string): Promise<number[]>;
  /** Worker settings for this scenario (e.g. a crash point). */
  producerOptions?(size: StreamSize): Partial<ProducerConfig>;
  consumerOptions?(size: StreamSize): Partial<ConsumerConfig>;
  /** Injects the fault; may run for a while (the stream goes on meanwhile). */
  inject(context: FaultContext): Promise<void>;
  /** A worker exited by itself (a scenario that crashes it on purpose handles that). */
  onProducerExit?(context: FaultContext, status: ExitStatus): Promise<void>;
  onConsumerExit?(context: FaultContext, status: ExitStatus): Promise<void>;
}

export interface ScenarioOutcome {
  readonly row: LedgerRow;
  readonly detail: LedgerDetail;
  readonly title: string;
  /** Wall time of the whole scenario. */
  readonly seconds: number;
  /** Set when the scenario could not complete (the ledger is still read). */
  readonly error?: string;
  /** The broker-alarm scenarios: what the witness service saw. */
  readonly alarm?: AlarmObservation;
}

export interface RunLimits {
  /** How long delivery may take after the stream and the fault are over. */
  readonly drainTimeoutMs: number;
  /** Relay lease: how long a crashed relay's partitions stay locked. */
  readonly relayLeaseMs: number;
  readonly publishTimeoutMs: number;
}

const PROGRESS_EVERY_MS = 2_000;

export async function runScenario(env: ChaosEnvironment, scenario: Scenario, limits: RunLimits): Promise<ScenarioOutcome> {
  const started = Date.now();
  const log = (message: string) => env.log(`[${scenario.name}] ${message}`);
  const namespace = `${scenario.name}-`;
  const management = await liveManagement(env.cluster);
  const applied = await applyTopology(management, env.contract.topology, { namespace });
  const vhost = applied.vhosts['chaos']!;
  const ledgerUser = applied.users['chaos/ledger']!;
  const tallyUser = applied.users['chaos/tally']!;
  const order = scenario.urlOrder ? await scenario.urlOrder(env, vhost) : env.cluster.nodes.map((_, i) => i);
  const urlsFor = (user: { username: string; password: string }) =>
    order.map((node) => env.cluster.amqpUrl({ username: user.username, password: user.password, vhost, node }));

  const sourceDb = `chaos_${scenario.name.replace(/-/g, '_')}_ledger`;
  const sinkDb = `chaos_${scenario.name.replace(/-/g, '_')}_tally`;
  await recreateDatabases(env.postgresUrl, [sourceDb, sinkDb]);
  const databases = new ScenarioDatabases(env.databaseUrl(sourceDb), env.databaseUrl(sinkDb));

  const base = (role: string, database: string, user: { username: string; password: string }): WorkerConfig => ({
    generatedDir: env.contract.generatedDir,
    databaseUrl: env.databaseUrl(database),
    urls: urlsFor(user),
    logFile: join(env.workDir, 'logs', `${scenario.name}-${role}.log`),
  });
  const producerConfig: ProducerConfig = {
    ...base('producer', sourceDb, ledgerUser),
    stream: scenario.name,
    total: scenario.size.events,
    ratePerSecond: scenario.size.ratePerSecond,
    batch: 25,
    accounts: 256,
    relayLeaseMs: limits.relayLeaseMs,
    publishTimeoutMs: limits.publishTimeoutMs,
    ...scenario.producerOptions?.(scenario.size),
  };
  const consumerConfig: ConsumerConfig = { ...base('consumer', sinkDb, tallyUser), ...scenario.consumerOptions?.(scenario.size) };

  const faults: number[] = [];
  let consumer = new WorkerProcess('consumer', consumerConfig);
  let producer: WorkerProcess | undefined;
  let expectedExit: WorkerProcess | undefined;
  let faultRun: Promise<void> | undefined;
  let exitHandling: Promise<void> | undefined;
  let error: string | undefined;
  let alarm: AlarmObservation | undefined;

  const context: FaultContext = {
    env,
    databases,
    vhost,
    users: new Set([ledgerUser.username, tallyUser.username]),
    fault: (at = Date.now()) => {
      faults.push(at);
      log(`fault ${faults.length} at +${((at - started) / 1000).toFixed(1)} s`);
    },
    consumer: () => consumer,
    producer: () => producer!,
    observe: (observation) => (alarm = observation),
    async restartConsumer() {
      expectedExit = consumer;
      await consumer.kill();
      const { crashAfterApplied: _crash, ...again } = consumerConfig;
      consumer = new WorkerProcess('consumer', again);
      await consumer.until('ready', 60_000);
      log('consumer restarted');
    },
    async restartProducer() {
      const { crashAfterSeq: _crash, ...again } = producerConfig;
      producer = new WorkerProcess('producer', again);
      const ready = await producer.until('ready', 60_000);
      log(`producer restarted, continuing at entry ${ready.event === 'ready' ? ready.from : '?'}`);
    },
  };

  try {
    await consumer.until('ready', 60_000);
    producer = new WorkerProcess('producer', producerConfig);
    await producer.until('ready', 60_000);
    log(`streaming ${scenario.size.events.toLocaleString('en')} entries at ${scenario.size.ratePerSecond}/s; fault at ${Math.round(scenario.faultAt * 100)} %`);
    const faultThreshold = Math.floor(scenario.size.events * scenario.faultAt);
    let lastProgress = 0;
    let progress: Progress = { sent: 0, confirmed: 0, delivered: 0 };
    let drainDeadline: number | undefined;
    for (;;) {
      if (env.signal?.aborted) throw new Error('interrupted');
      // A worker that died on its own is either the scenario's doing or a failure.
      if (!producer.alive && !producer.done && producer !== expectedExit && exitHandling === undefined) {
        const status = producer.exitStatus!;
        if (!scenario.onProducerExit) throw new Error(`the producer exited unexpectedly (${describe(status)})`);
        expectedExit = producer;
        exitHandling = scenario.onProducerExit(context, status).finally(() => (exitHandling = undefined));
      }
      if (!consumer.alive && consumer !== expectedExit && exitHandling === undefined) {
        const status = consumer.exitStatus!;
        if (!scenario.onConsumerExit) throw new Error(`the consumer exited unexpectedly (${describe(status)})`);
        expectedExit = consumer;
        exitHandling = scenario.onConsumerExit(context, status).finally(() => (exitHandling = undefined));
      }
      if (faultRun === undefined && producer.count >= faultThreshold) {
        faultRun = scenario.inject(context).catch((failure: Error) => {
          error = `fault injection failed: ${failure.message}`;
          log(error);
        });
      }
      progress = await databases.progress().catch(() => progress);
      if (Date.now() - lastProgress >= PROGRESS_EVERY_MS) {
        lastProgress = Date.now();
        log(`sent ${progress.sent} · confirmed ${progress.confirmed} · delivered ${progress.delivered}`);
      }
      const streamOver = producer.done && faultRun !== undefined && exitHandling === undefined;
      if (streamOver) {
        await faultRun;
        drainDeadline ??= Date.now() + limits.drainTimeoutMs;
        if (progress.sent === scenario.size.events && progress.delivered >= progress.sent && progress.confirmed >= progress.sent) break;
        if (Date.now() > drainDeadline) {
          error = `not drained within ${limits.drainTimeoutMs / 1000} s: ${progress.sent - progress.delivered} entries undelivered`;
          log(error);
          break;
        }
      }
      await new Promise((resolve) => setTimeout(resolve, 250));
    }
  } catch (failure) {
    error = (failure as Error).message;
    log(`failed: ${error}`);
  } finally {
    await faultRun;
    await Promise.all([producer?.stop(), consumer.stop()]);
  }

  const dlq = await queueDepth(env.cluster, vhost, 'tally.entries.dlq').catch(() => 0);
  if (dlq > 0) log(`${dlq} message(s) in the dead-letter queue`);
  const { row, detail } = await databases.ledger(scenario.name, faults);
  await databases.close();
  const seconds = Math.round((Date.now() - started) / 100) / 10;
  log(
    `sent ${row.sent} · confirmed ${row.confirmed} · delivered ${row.delivered} · lost ${row.lost} · duplicates ${row.duplicates} (absorbed ${row.absorbed}) · order violations ${row.orderViolations} · recovery ${row.recovery_ms} ms · ${seconds} s`,
  );
  return { row, detail, title: scenario.title, seconds, ...(error !== undefined ? { error } : {}), ...(alarm ? { alarm } : {}) };
}

async function recreateDatabases(adminUrl: string, names: readonly string[]): Promise<void> {
  const client = new pg.Client({ connectionString: adminUrl });
  await client.connect();
  try {
    for (const name of names) {
      await client.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
      await client.query(`CREATE DATABASE "${name}"`);
    }
  } finally {
    await client.end();
  }
}
