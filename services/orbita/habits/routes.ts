/** orbita/habits' HTTP API: habits, and the sessions that keep their streaks (HabitSessionCompleted). */
import { randomUUID } from 'node:crypto';
import * as client from '../../../generated/clients/orbita/habits.js';
import type { HabitSessionCompleted } from '../../../generated/types/orbita.js';
import { notFound, type ServiceKit } from '../../../src/service-kit/index.js';
import { dateTime, idParams, userQuery, uuid } from '../_shared/schemas.js';
import { dayOf } from '../_shared/time.js';
import type { Config } from './config.js';
import { afterSession } from './domain.js';
import type { HabitsRepository } from './repository.js';

const tags = ['habits'];

const habitBody = {
  type: 'object',
  additionalProperties: false,
  required: ['userId', 'name', 'category'],
  properties: {
    habitId: { ...uuid, description: 'Chosen by the client to make a retried create idempotent.' },
    userId: uuid,
    name: { type: 'string', minLength: 1, maxLength: 200 },
    category: { type: 'string', enum: ['exercise', 'meditation', 'reading', 'learning', 'sleep', 'hydration', 'other'] },
    targetMinutes: { type: 'integer', minimum: 1, maximum: 1440, default: 30 },
  },
} as const;

const sessionBody = {
  type: 'object',
  additionalProperties: false,
  required: ['durationMinutes'],
  properties: {
    sessionId: { ...uuid, description: 'Chosen by the client to make a retried report idempotent.' },
    startedAt: { ...dateTime, description: 'Default: now minus the duration.' },
    durationMinutes: { type: 'integer', minimum: 1, maximum: 1440 },
    mood: { type: 'integer', minimum: 1, maximum: 5 },
    note: { type: 'string', maxLength: 1000 },
  },
} as const;

export function registerRoutes(kit: ServiceKit<Config>, repo: HabitsRepository): void {
  const { app, store } = kit;
  const shown = async (habitId: string) => {
    const habit = await repo.habit(store, habitId);
    if (!habit) throw notFound(`no habit ${habitId}`);
    return { ...habit, sessions: await repo.sessions(store, habitId) };
  };

  app.post('/api/habits', { schema: { tags, summary: 'Start tracking a habit', body: habitBody } }, async (request, reply) => {
    const b = request.body;
    const habitId = b.habitId ?? randomUUID();
    const created = await store.transaction((tx) => repo.insert(tx, { habitId, userId: b.userId, name: b.name, category: b.category, targetMinutes: b.targetMinutes ?? 30 }));
    return reply.code(created ? 201 : 200).send(await shown(habitId));
  });

  app.get('/api/habits/:id', { schema: { tags, summary: 'A habit, its streak and latest sessions', params: idParams } }, async (request) => shown(request.params.id));

  app.get('/api/habits', { schema: { tags, summary: "A user's habits", querystring: userQuery } }, async (request) => ({ habits: await repo.ofUser(store, request.query.userId) }));

  app.post(
    '/api/habits/:id/sessions',
    { schema: { tags, summary: 'Report a finished session (HabitSessionCompleted)', description: '201 recorded; 200 when this sessionId was reported before.', params: idParams, body: sessionBody } },
    async (request, reply) => {
      const b = request.body;
      const recorded = await store.transaction(async (tx) => {
        const habit = await repo.habit(tx, request.params.id, true);
        if (!habit) throw notFound(`no habit ${request.params.id}`);
        const startedAt = new Date(b.startedAt ?? Date.now() - b.durationMinutes * 60_000).toISOString();
        const streak = afterSession(habit, dayOf(startedAt));
        const session: HabitSessionCompleted = {
          sessionId: b.sessionId ?? randomUUID(),
          habitId: habit.habitId,
          userId: habit.userId,
          category: habit.category,
          startedAt,
          durationMinutes: b.durationMinutes,
          streakDays: streak.streakDays,
          ...(b.mood !== undefined ? { mood: b.mood } : {}),
          ...(b.note !== undefined ? { note: b.note } : {}),
        };
        if (!(await repo.addSession(tx, session))) return false;
        await repo.saveStreak(tx, habit.habitId, streak);
        await client.createHabitsPublisher(kit.publisherIn(tx)).publishHabitSessionCompleted(session, { subject: habit.habitId });
        return true;
      });
      return reply.code(recorded ? 201 : 200).send(await shown(request.params.id));
    },
  );
}
