import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runHousekeeping } from '../../../src/durable/housekeeping.js';
import { DurableInbox } from '../../../src/durable/inbox.js';
import { openStore } from '../../../src/durable/open-store.js';
import { Outbox } from '../../../src/durable/outbox.js';
import type { DurableStore } from '../../../src/durable/store.js';
import { delivery, handlerContext, NoteAddedMessage, publishNoteAdded } from './fixtures.js';

describe('durable inbox (PGlite)', () => {
  let store: DurableStore;
  let inbox: DurableInbox;

  beforeAll(async () => {
    store = await openStore();
    inbox = new DurableInbox(store);
    await store.exec('CREATE TABLE notes (id text PRIMARY KEY, n int NOT NULL)');
  }, 60_000);
  afterAll(async () => {
    await store.close();
  });

  const notes = async () => (await store.query<{ id: string; n: number }>('SELECT id, n FROM notes ORDER BY id')).rows;

  it('commits the handler’s writes and the inbox row together, and skips the redelivery', async () => {
    let runs = 0;
    const handler = inbox.handle('notes.added', async (d: ReturnType<typeof noteDelivery>, _context, tx) => {
      runs++;
      await tx.query('INSERT INTO notes (id, n) VALUES ($1, $2)', [d.payload.noteId, d.payload.n]);
    });
    const first = noteDelivery('a', 1);
    await handler(first, handlerContext());
    await handler({ ...first, redelivered: true }, handlerContext());
    expect(runs).toBe(1);
    expect(await notes()).toEqual([{ id: 'a', n: 1 }]);
    expect(await inbox.seen({ consumer: 'notes.added', messageId: first.envelope.messageId })).toBe(true);
  });

  it('records nothing when the handler fails, so the retry runs it again', async () => {
    let fail = true;
    const handler = inbox.handle({ queue: 'notes.flaky' }, async (d: ReturnType<typeof noteDelivery>, _context, tx) => {
      await tx.query('INSERT INTO notes (id, n) VALUES ($1, $2)', [d.payload.noteId, d.payload.n]);
      if (fail) throw new Error('downstream unavailable');
    });
    const message = noteDelivery('b', 2);
    await expect(handler(message, handlerContext())).rejects.toThrow('downstream unavailable');
    expect((await notes()).map((n) => n.id)).not.toContain('b');
    expect(await inbox.seen({ consumer: 'notes.flaky', messageId: message.envelope.messageId })).toBe(false);
    fail = false;
    await handler(message, handlerContext());
    expect((await notes()).map((n) => n.id)).toContain('b');
  });

  it('lets a handler add events to the outbox in the same transaction (consume → publish, exactly once in effect)', async () => {
    const outbox = new Outbox(store);
    const handler = inbox.handle('notes.forward', async (d: ReturnType<typeof noteDelivery>, _context, tx) => {
      await outbox.add(tx, { send: publishNoteAdded, payload: { noteId: `${d.payload.noteId}-copy`, n: d.payload.n }, aggregateId: d.payload.noteId, causedBy: d.envelope });
    });
    const message = noteDelivery('c', 3);
    await handler(message, handlerContext());
    await handler(message, handlerContext());
    const { rows } = await store.query<{ n: number }>(`SELECT count(*)::int AS n FROM ${store.table('outbox')} WHERE aggregate_id = 'c'`);
    expect(rows[0]!.n).toBe(1);
  });

  it('implements the runtime’s Inbox: duplicates skipped across instances, concurrent duplicates run once', async () => {
    const key = { consumer: 'notes.plain', messageId: 'm-1' };
    let runs = 0;
    let release!: () => void;
    const gate = new Promise<void>((resolve) => {
      release = resolve;
    });
    const work = async () => {
      runs++;
      await gate;
    };
    const both = Promise.all([inbox.process(key, work), inbox.process(key, work)]);
    release();
    expect((await both).sort()).toEqual(['duplicate', 'processed']);
    expect(runs).toBe(1);
    expect(await new DurableInbox(store).process(key, work)).toBe('duplicate');
    await expect(inbox.process({ consumer: 'notes.plain', messageId: 'm-2' }, async () => Promise.reject(new Error('boom')))).rejects.toThrow('boom');
    expect(await inbox.seen({ consumer: 'notes.plain', messageId: 'm-2' })).toBe(false);
  });

  it('forgets message ids after the retention window (7 days by default)', async () => {
    expect(inbox.retentionMs).toBe(7 * 24 * 60 * 60 * 1000);
    await store.query(`INSERT INTO ${store.table('inbox')} (consumer, message_id, processed_at) VALUES ('old', 'x', now() - interval '8 days'), ('old', 'y', now() - interval '6 days')`);
    expect(await inbox.cleanup()).toBe(1);
    expect(await inbox.seen({ consumer: 'old', messageId: 'x' })).toBe(false);
    expect(await inbox.seen({ consumer: 'old', messageId: 'y' })).toBe(true);
    await store.query(`UPDATE ${store.table('inbox')} SET processed_at = now() - interval '9 days' WHERE consumer = 'old'`);
    expect(await runHousekeeping(store)).toMatchObject({ inbox: 1 });
  });
});

function noteDelivery(noteId: string, n: number) {
  return delivery(NoteAddedMessage, { noteId, n });
}
