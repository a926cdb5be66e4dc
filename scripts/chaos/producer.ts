/**
 * The chaos producer: a service writing a stream of entries, each in its own table and in the
 * transactional outbox in one transaction, with the outbox relay publishing them through the
 * runtime (confirms, failover across the node URLs). Restartable: it continues after the
 * highest entry already committed, which is what a restarted service would do.
 *
 * With `crashAfterSeq` it SIGKILLs itself synchronously after the commit of the batch holding
 * that entry: nothing else can run in between, so those entries are committed and not published
 * — the crash the transactional outbox exists for.
 */
import { Registry } from 'prom-client';
import { openDurableState } from '../../src/durable/durable-state.js';
import { createAmqpBus } from '../../src/runtime/amqp-bus.js';
import { loadChaosDescriptors, type EntryRecorded } from './contract.js';
import { onStopCommand, report, workerConfig, workerLogger, type ProducerConfig } from './worker-support.js';

const config = workerConfig<ProducerConfig>();
const logger = workerLogger(config.logFile, 'chaos-ledger');
const { ledger, send } = await loadChaosDescriptors(config.generatedDir);

const bus = await createAmqpBus({
  urls: config.urls,
  service: ledger,
  sends: [send],
  logger,
  metrics: new Registry(),
  publisher: { timeoutMs: config.publishTimeoutMs },
});
const durable = await openDurableState({
  databaseUrl: config.databaseUrl,
  applicationName: 'chaos-ledger',
  publisher: bus,
  service: ledger.id,
  sends: [send],
  logger,
  registry: new Registry(),
  relay: {
    leaseMs: config.relayLeaseMs,
    publishTimeoutMs: config.publishTimeoutMs,
    pollIntervalMs: 250,
    // A broker outage of tens of seconds should not leave events waiting minutes for their retry.
    retry: { initialMs: 250, maxMs: 2_000, factor: 2, jitter: 0.2 },
  },
});
const { store, outbox } = durable;
await store.exec(`CREATE TABLE IF NOT EXISTS chaos_entries (
  seq        bigint PRIMARY KEY,
  message_id text NOT NULL UNIQUE,
  created_at timestamptz NOT NULL DEFAULT clock_timestamp()
);
CREATE TABLE IF NOT EXISTS chaos_accounts (
  account  text PRIMARY KEY,
  last_seq bigint NOT NULL
)`);
// Entries are written in blocks of `batch`, one transaction each, by several writers at once
// (one connection each). A block commits whole or not at all, so after a crash the blocks with
// no rows are exactly the ones still to write.
const blocks = Math.ceil(config.total / config.batch);
const { rows } = await store.query<{ block: string }>('SELECT DISTINCT seq / $1 AS block FROM chaos_entries', [config.batch]);
const written = new Set(rows.map((row) => Number(row.block)));
const todo = Array.from({ length: blocks }, (_, block) => block).filter((block) => !written.has(block));
const already = config.total - todo.reduce((n, block) => n + Math.min(config.batch, config.total - block * config.batch), 0);
await durable.start();

let stopping = false;
onStopCommand(async () => {
  stopping = true;
  await durable.close();
  await bus.close();
});
report({ event: 'ready', from: todo[0] === undefined ? config.total : todo[0] * config.batch });

const WRITERS = 4;
const started = performance.now();
let committed = already;
let sinceStart = 0;
let lastReport = 0;
let cursor = 0;

async function writeBlock(block: number): Promise<void> {
  const from = block * config.batch;
  const size = Math.min(config.batch, config.total - from);
  // Ascending account order inside a transaction: outbox.add takes a lock per aggregate.
  const seqs = Array.from({ length: size }, (_, i) => from + i).sort((a, b) => (a % config.accounts) - (b % config.accounts));
  await store.transaction(async (tx) => {
    const ids: string[] = [];
    for (const seq of seqs) {
      const account = `acct-${seq % config.accounts}`;
      // The account's next position: the row lock serialises the account's writers until commit,
      // so positions follow commit order (and a rolled-back block leaves no gap).
      const { rows: next } = await tx.query<{ last_seq: string }>(
        `INSERT INTO chaos_accounts (account, last_seq) VALUES ($1, 1)
         ON CONFLICT (account) DO UPDATE SET last_seq = chaos_accounts.last_seq + 1 RETURNING last_seq`,
        [account],
      );
      const payload: EntryRecorded = { stream: config.stream, seq, createdAt: new Date().toISOString(), account, accountSeq: Number(next[0]!.last_seq) };
      ids.push((await outbox.add(tx, { send, payload, aggregateId: account })).messageId);
    }
    await tx.query('INSERT INTO chaos_entries (seq, message_id) SELECT * FROM unnest($1::bigint[], $2::text[])', [seqs, ids]);
  });
  if (config.crashAfterSeq !== undefined && config.crashAfterSeq >= from && config.crashAfterSeq < from + size) {
    process.kill(process.pid, 'SIGKILL');
  }
  committed += size;
  sinceStart += size;
  if (committed - lastReport >= 500 || committed === config.total) {
    lastReport = committed;
    report({ event: 'progress', count: committed });
  }
}

async function writer(): Promise<void> {
  while (!stopping && cursor < todo.length) {
    const block = todo[cursor++]!;
    await writeBlock(block);
    // Pace the stream: what was written since the start is due at `sinceStart / rate` seconds.
    const ahead = (sinceStart / config.ratePerSecond) * 1000 - (performance.now() - started);
    if (ahead > 1) await new Promise((resolve) => setTimeout(resolve, ahead));
  }
}

await Promise.all(Array.from({ length: WRITERS }, () => writer()));
if (!stopping) report({ event: 'done', count: committed });
