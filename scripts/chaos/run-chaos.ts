/**
 * The chaos suite as a library call (used by `npm run chaos` and by test/chaos): starts a real
 * PostgreSQL and a real 3-node RabbitMQ cluster, compiles the chaos contracts, runs the
 * scenarios one after another, and always stops what it started.
 */
import { mkdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { startLocalCluster } from '../../src/local-cluster/local-cluster.js';
import { startPostgres } from '../../src/local-cluster/postgres-server.js';
import { REPO_ROOT, generateChaosContract } from './contract.js';
import type { AlarmObservation } from './alarm-probe.js';
import type { LedgerDetail, LedgerRow } from './ledger.js';
import { runScenario, type ChaosEnvironment, type RunLimits, type ScenarioOutcome } from './scenario-runner.js';
import { PROFILES, scenarios, type Profile } from './scenarios.js';

export interface ChaosOptions {
  readonly profile: Profile;
  /** Run only these scenarios (names). */
  readonly only?: readonly string[];
  readonly log?: (message: string) => void;
  readonly signal?: AbortSignal;
}

export interface ChaosRun {
  readonly profile: Profile;
  readonly startedAt: string;
  readonly seconds: number;
  readonly outcomes: readonly ScenarioOutcome[];
  readonly cluster: { readonly nodes: number; readonly rabbitmq: string };
}

/** The JSON document of issue 9, exactly: `{"scenarios":[{name, sent, confirmed, …}]}`. */
export function chaosJson(run: ChaosRun): { scenarios: LedgerRow[] } {
  return { scenarios: run.outcomes.map((outcome) => outcome.row) };
}

/** What makes a scenario fail: loss, an unabsorbed duplicate, an effect applied twice, an error. */
export function failures(outcome: { row: LedgerRow; detail: LedgerDetail; error?: string; alarm?: AlarmObservation }): string[] {
  const { row, detail } = outcome;
  const problems: string[] = [];
  if (outcome.error) problems.push(outcome.error);
  if (row.lost > 0) problems.push(`${row.lost} entries lost (first: ${detail.lostSample.join(', ')})`);
  if (row.absorbed !== row.duplicates) problems.push(`${row.duplicates - row.absorbed} duplicates not absorbed`);
  if (detail.appliedTwice > 0) problems.push(`${detail.appliedTwice} entries applied twice`);
  if (row.orderViolations > 0) problems.push(`${row.orderViolations} entries applied after a later entry of their account`);
  if (row.sent === 0) problems.push('nothing was sent');
  if (detail.recoveries.length === 0) problems.push('no fault was injected');
  const { alarm } = outcome;
  if (alarm) {
    if (!alarm.readyzBlocked) problems.push('/readyz did not say blocked during the alarm');
    if (!alarm.typedFailure) problems.push('no publish failed with BrokerBlockedError during the alarm');
    if (alarm.waitedMs === null) problems.push('the publish waiting through the alarm was not confirmed after it');
    if (!alarm.readyAgain) problems.push('/readyz did not return to ready after the alarm');
  }
  const unmeasured = detail.recoveries.filter((r) => r === null).length;
  if (unmeasured > 0) problems.push(`${unmeasured} fault(s) struck after the stream had drained: recovery not measured`);
  return problems;
}

const LIMITS: Record<Profile, RunLimits> = {
  full: { drainTimeoutMs: 300_000, relayLeaseMs: 10_000, publishTimeoutMs: 5_000 },
  quick: { drainTimeoutMs: 120_000, relayLeaseMs: 5_000, publishTimeoutMs: 3_000 },
};

export async function runChaos(options: ChaosOptions): Promise<ChaosRun> {
  const log = options.log ?? ((message: string) => process.stderr.write(`${message}\n`));
  const started = Date.now();
  const workDir = join(REPO_ROOT, '.eventplane', 'chaos', `${process.pid}-${started.toString(36)}`);
  mkdirSync(join(workDir, 'logs'), { recursive: true });
  const selected = scenarios(options.profile).filter((s) => !options.only || options.only.includes(s.name));
  if (selected.length === 0) throw new Error(`no scenario named ${options.only?.join(', ')}`);

  log(`chaos (${options.profile}): ${selected.map((s) => s.name).join(', ')}; worker logs in ${workDir}/logs`);
  log('compiling the chaos contracts…');
  const contract = await generateChaosContract(workDir);
  log('starting PostgreSQL and a 3-node RabbitMQ cluster…');
  const [postgres, cluster] = await Promise.all([startPostgres(), startLocalCluster({ nodes: 3, onProgress: (m) => log(`  ${m}`) })]);
  const outcomes: ScenarioOutcome[] = [];
  try {
    const overview = await cluster.management().overview();
    const env: ChaosEnvironment = {
      cluster,
      postgresUrl: postgres.url,
      databaseUrl: (database) => postgres.databaseUrl(database),
      contract,
      workDir,
      log,
      ...(options.signal ? { signal: options.signal } : {}),
    };
    for (const scenario of selected) if (!options.signal?.aborted) outcomes.push(await runScenario(env, scenario, LIMITS[options.profile]));
    const run: ChaosRun = {
      profile: options.profile,
      startedAt: new Date(started).toISOString(),
      seconds: Math.round((Date.now() - started) / 1000),
      outcomes,
      cluster: { nodes: cluster.nodes.length, rabbitmq: String(overview['rabbitmq_version'] ?? '?') },
    };
    // Worker logs stay only when something needs explaining.
    if (outcomes.every((outcome) => failures(outcome).length === 0)) rmSync(workDir, { recursive: true, force: true });
    return run;
  } finally {
    log('stopping the cluster and PostgreSQL…');
    await Promise.all([cluster.destroy().catch(() => undefined), postgres.stop().catch(() => undefined)]);
  }
}

export { PROFILES };
