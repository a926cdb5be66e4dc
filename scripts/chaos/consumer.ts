/**
 * The chaos consumer: a service whose handler writes each entry to its own table through the
 * transactional inbox (the inbox row and the write commit together), on the runtime's AMQP bus
 * with its default in-memory inbox in front. Both layers are instrumented, never bypassed:
 *
 * - `chaos_effects` has no unique key, so an entry applied twice shows up as two rows — the
 *   inbox failing would be visible, not hidden by a constraint;
 * - every delivery one of the two inboxes recognised as already handled adds a row to
 *   `chaos_duplicates` before the runtime acknowledges it (so a crash in between re-counts the
 *   redelivery instead of losing the count).
 */
import { Registry } from 'prom-client';
import { DurableInbox } from '../../src/durable/inbox.js';
import { openStore } from '../../src/durable/open-store.js';
import { createAmqpBus } from '../../src/runtime/amqp-bus.js';
import type { Delivery, HandlerContext } from '../../src/runtime/contract.js';
import type { Inbox, InboxKey, InboxOutcome } from '../../src/runtime/inbox.js';
import { MemoryInbox } from '../../src/runtime/memory-inbox.js';
import { loadChaosDescriptors, type EntryRecorded } from './contract.js';
import { onStopCommand, report, workerConfig, workerLogger, type ConsumerConfig } from './worker-support.js';

const config = workerConfig<ConsumerConfig>();
const logger = workerLogger(config.logFile, 'chaos-tally');
const { tally, receive } = await loadChaosDescriptors(config.generatedDir);

const store = await openStore({ databaseUrl: config.databaseUrl, applicationName: 'chaos-tally', maxConnections: 16 });
await store.exec(`
  CREATE TABLE IF NOT EXISTS chaos_effects (
    seq         bigint NOT NULL,
    message_id  text NOT NULL,
    created_ms  double precision NOT NULL,
    applied_ms  double precision NOT NULL,
    account     text NOT NULL,
    account_seq bigint NOT NULL,
    -- The order the handler applied entries in (per account, it must follow account_seq).
    applied_order bigserial
  );
  CREATE INDEX IF NOT EXISTS chaos_effects_seq ON chaos_effects (seq);
  CREATE TABLE IF NOT EXISTS chaos_duplicates (
    message_id text NOT NULL,
    layer      text NOT NULL,
    seen_ms    double precision NOT NULL
  );
`);

const recordDuplicate = (messageId: string, layer: 'runtime' | 'durable') =>
  store.query('INSERT INTO chaos_duplicates (message_id, layer, seen_ms) VALUES ($1, $2, $3)', [messageId, layer, Date.now()]);

/** The runtime's default inbox, with its verdicts recorded. */
class RecordingInbox implements Inbox {
  private readonly inner = new MemoryInbox();

  async process(key: InboxKey, work: () => Promise<void>): Promise<InboxOutcome> {
    const outcome = await this.inner.process(key, work);
    if (outcome === 'duplicate') await recordDuplicate(key.messageId, 'runtime');
    return outcome;
  }

  close(): Promise<void> {
    return this.inner.close?.() ?? Promise.resolve();
  }
}

const inbox = new DurableInbox(store);
const bus = await createAmqpBus({ urls: config.urls, service: tally, inbox: new RecordingInbox(), logger, metrics: new Registry() });

let applied = 0;
await bus.subscribe(receive, async (delivery: Delivery, context: HandlerContext) => {
  let ran = false;
  await inbox.handle(receive, async (entry: Delivery<string, EntryRecorded>, _context, tx) => {
    ran = true;
    await tx.query('INSERT INTO chaos_effects (seq, message_id, created_ms, applied_ms, account, account_seq) VALUES ($1, $2, $3, $4, $5, $6)', [
      entry.payload.seq,
      entry.envelope.messageId,
      Date.parse(entry.payload.createdAt),
      Date.now(),
      entry.payload.account,
      entry.payload.accountSeq,
    ]);
  })(delivery as Delivery<string, EntryRecorded>, context);
  if (ran) {
    applied++;
    if (applied === config.crashAfterApplied) process.kill(process.pid, 'SIGKILL');
  } else await recordDuplicate(delivery.envelope.messageId, 'durable');
});

onStopCommand(async () => {
  await bus.close();
  await store.close();
});
report({ event: 'ready' });
setInterval(() => report({ event: 'progress', count: applied }), 1_000).unref();
