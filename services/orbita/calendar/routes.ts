/**
 * orbita/calendar's HTTP API: the provider sync's entry point (a provider event as last seen →
 * CalendarEventChanged when scheduling should know) and the mirror of orbita's blocks.
 */
import * as client from '../../../generated/clients/orbita/calendar.js';
import { badRequest, notFound, type ServiceKit } from '../../../src/service-kit/index.js';
import { timeRange, userQuery, uuid } from '../_shared/schemas.js';
import { toRange, toSpan } from '../_shared/time.js';
import type { Config } from './config.js';
import { classifyChange, isMirror } from './domain.js';
import type { CalendarRepository, SyncedEvent } from './repository.js';

const syncBody = {
  type: 'object',
  additionalProperties: false,
  required: ['calendarEventId', 'calendarId', 'userId'],
  properties: {
    calendarEventId: { type: 'string', pattern: '^(google|microsoft|ical):[A-Za-z0-9_=+/@.-]{1,1024}$', description: '`{provider}:{provider event id}`' },
    calendarId: uuid,
    userId: uuid,
    time: timeRange,
    busy: { type: 'boolean', default: true },
    allDay: { type: 'boolean', default: false },
    deleted: { type: 'boolean', default: false },
  },
} as const;

export function registerRoutes(kit: ServiceKit<Config>, repo: CalendarRepository): void {
  const { app, store } = kit;

  app.post(
    '/api/calendar/sync',
    {
      schema: {
        tags: ['sync'],
        summary: 'A provider event as the sync last saw it',
        description: 'Publishes CalendarEventChanged when it was created, moved, re-flagged or deleted; `unchanged` for a repeat; `ignored` for orbita\'s own mirrored blocks.',
        body: syncBody,
      },
    },
    async (request) => {
      const b = request.body;
      if (isMirror(b.calendarEventId)) return { change: 'ignored' };
      const deleted = b.deleted ?? false;
      if (!deleted && b.time === undefined) throw badRequest('body/time is required unless the event is deleted');
      const time = b.time && toRange(toSpan(b.time));
      if (time && !(Date.parse(time.end) > Date.parse(time.start))) throw badRequest('body/time/end must be after start');
      const provider = b.calendarEventId.slice(0, b.calendarEventId.indexOf(':')) as SyncedEvent['provider'];
      const next: SyncedEvent = {
        calendarEventId: b.calendarEventId,
        calendarId: b.calendarId,
        userId: b.userId,
        provider,
        ...(time ? { time } : {}),
        busy: b.busy ?? true,
        allDay: b.allDay ?? false,
        deleted,
      };
      return store.transaction(async (tx) => {
        const previous = await repo.synced(tx, b.calendarEventId, true);
        const change = classifyChange(previous, next);
        const kept = deleted && previous ? { ...next, ...(previous.time ? { time: previous.time } : {}) } : next;
        await repo.saveSynced(tx, kept);
        if (!change) return { change: 'unchanged' };
        await client.createCalendarPublisher(kit.publisherIn(tx)).publishCalendarEventChanged(
          {
            calendarEventId: next.calendarEventId,
            calendarId: next.calendarId,
            userId: next.userId,
            provider,
            change,
            ...(change !== 'deleted' && next.time ? { time: next.time } : {}),
            ...(previous?.time && change !== 'created' ? { previousTime: previous.time } : {}),
            busy: next.busy,
            allDay: next.allDay,
          },
          { subject: next.calendarEventId },
        );
        return { change };
      });
    },
  );

  app.get('/api/calendar/entries', { schema: { tags: ['mirror'], summary: "orbita's blocks in a user's calendar", querystring: userQuery } }, async (request) => ({
    entries: await repo.entriesOf(store, request.query.userId),
  }));

  app.get(
    '/api/calendar/entries/:blockId',
    { schema: { tags: ['mirror'], summary: 'A mirrored block and its events in the order they were applied', params: { type: 'object', required: ['blockId'], properties: { blockId: uuid } } } },
    async (request) => {
      const entry = await repo.entry(store, request.params.blockId);
      if (!entry) throw notFound(`no block ${request.params.blockId} in the calendar`);
      return { ...entry, events: await repo.appliedEvents(store, entry.blockId) };
    },
  );
}
