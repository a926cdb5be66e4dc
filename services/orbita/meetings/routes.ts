/**
 * orbita/meetings' HTTP API: smart 1:1 series, their frequency set by the user or adapted from
 * check-ins; each change commits with its Smart1to1FrequencyChanged (subject: the series id).
 */
import { randomUUID } from 'node:crypto';
import * as client from '../../../generated/clients/orbita/meetings.js';
import type { MeetingFrequency } from '../../../generated/types/orbita.js';
import type { Transaction } from '../../../src/durable/index.js';
import { notFound, type ServiceKit } from '../../../src/service-kit/index.js';
import { dateTime, idParams, uuid } from '../_shared/schemas.js';
import type { Config } from './config.js';
import { adaptedFrequency, FREQUENCIES, nextOccurrence } from './domain.js';
import type { MeetingsRepository, Series } from './repository.js';

const tags = ['series'];
const frequency = { type: 'string', enum: [...FREQUENCIES] } as const;

const seriesBody = {
  type: 'object',
  additionalProperties: false,
  required: ['userId', 'attendeeId', 'frequency', 'durationMinutes'],
  properties: {
    seriesId: { ...uuid, description: 'Chosen by the client to make a retried create idempotent.' },
    userId: { ...uuid, description: 'The organiser.' },
    attendeeId: uuid,
    frequency,
    durationMinutes: { type: 'integer', minimum: 15, maximum: 120, multipleOf: 5 },
    firstOccurrence: { ...dateTime, description: 'Default: a week from now.' },
  },
} as const;

export function registerRoutes(kit: ServiceKit<Config>, repo: MeetingsRepository): void {
  const { app, store } = kit;
  const shown = async (id: string) => {
    const series = await repo.series(store, id);
    if (!series) throw notFound(`no series ${id}`);
    return { ...series, nextOccurrence: new Date(nextOccurrence(Date.parse(series.anchor), series.frequency, Date.now())).toISOString(), changes: await repo.changes(store, id) };
  };
  const lockedSeries = async (tx: Transaction, id: string) => {
    const series = await repo.series(tx, id, true);
    if (!series) throw notFound(`no series ${id}`);
    return series;
  };
  /** Sets the frequency and publishes the change; nothing when it is already that. */
  const change = async (tx: Transaction, series: Series, to: MeetingFrequency, changedBy: 'user' | 'auto') => {
    if (to === series.frequency) return;
    await repo.setFrequency(tx, series, to, changedBy);
    await client.createMeetingsPublisher(kit.publisherIn(tx)).publishSmart1to1FrequencyChanged(
      {
        seriesId: series.seriesId,
        userId: series.userId,
        attendeeId: series.attendeeId,
        previousFrequency: series.frequency,
        frequency: to,
        durationMinutes: series.durationMinutes,
        changedBy,
        nextOccurrence: new Date(nextOccurrence(Date.parse(series.anchor), to, Date.now())).toISOString(),
      },
      { subject: series.seriesId },
    );
  };

  app.post('/api/series', { schema: { tags, summary: 'Start a smart 1:1 series', body: seriesBody } }, async (request, reply) => {
    const b = request.body;
    const seriesId = b.seriesId ?? randomUUID();
    const anchor = new Date(b.firstOccurrence ?? Date.now() + 7 * 24 * 60 * 60 * 1000).toISOString();
    const created = await store.transaction((tx) =>
      repo.insert(tx, { seriesId, userId: b.userId, attendeeId: b.attendeeId, frequency: b.frequency, durationMinutes: b.durationMinutes, anchor }),
    );
    return reply.code(created ? 201 : 200).send(await shown(seriesId));
  });

  app.get('/api/series/:id', { schema: { tags, summary: 'A series and its frequency changes', params: idParams } }, async (request) => shown(request.params.id));

  app.put(
    '/api/series/:id/frequency',
    { schema: { tags, summary: 'Set the frequency (Smart1to1FrequencyChanged, by the user)', params: idParams, body: { type: 'object', additionalProperties: false, required: ['frequency'], properties: { frequency } } } },
    async (request) => {
      await store.transaction(async (tx) => change(tx, await lockedSeries(tx, request.params.id), request.body.frequency, 'user'));
      return shown(request.params.id);
    },
  );

  app.post(
    '/api/series/:id/check-ins',
    {
      schema: {
        tags,
        summary: 'How the last 1:1 went (health 1–5); the frequency adapts (Smart1to1FrequencyChanged, auto)',
        params: idParams,
        body: { type: 'object', additionalProperties: false, required: ['health'], properties: { health: { type: 'integer', minimum: 1, maximum: 5 } } },
      },
    },
    async (request) => {
      await store.transaction(async (tx) => {
        const series = await lockedSeries(tx, request.params.id);
        const health = await repo.checkIn(tx, series.seriesId, request.body.health);
        await change(tx, series, adaptedFrequency(series.frequency, health), 'auto');
      });
      return shown(request.params.id);
    },
  );
}
