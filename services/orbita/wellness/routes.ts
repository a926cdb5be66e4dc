/** orbita/wellness' HTTP API: a user's daily wellness records and their summary over a week. */
import type { ServiceKit } from '../../../src/service-kit/index.js';
import { uuid } from '../_shared/schemas.js';
import { DAY, dayOf } from '../_shared/time.js';
import type { Config } from './config.js';
import { averageMood, moodTrend, type Day } from './domain.js';
import type { WellnessRepository } from './repository.js';

const day = { type: 'string', pattern: '^[0-9]{4}-[0-9]{2}-[0-9]{2}$' } as const;
const shown = (d: Day) => {
  const { moodSum: _sum, moodCount: _count, ...rest } = d;
  const mood = averageMood(d);
  return { ...rest, ...(mood !== undefined ? { mood } : {}) };
};

export function registerRoutes(kit: ServiceKit<Config>, repo: WellnessRepository): void {
  const { app, store } = kit;
  app.get(
    '/api/wellness/:userId',
    {
      schema: {
        tags: ['wellness'],
        summary: "A user's daily records from `from` to `to` (default: the week up to today), their totals and mood trend",
        params: { type: 'object', required: ['userId'], properties: { userId: uuid } },
        querystring: { type: 'object', additionalProperties: false, properties: { from: day, to: day } },
      },
    },
    async (request) => {
      const to = request.query.to ?? dayOf(Date.now());
      const from = request.query.from ?? dayOf(Date.parse(`${to}T00:00:00Z`) - 6 * DAY);
      const days = await repo.days(store, request.params.userId, from, to);
      const total = (key: 'activityMinutes' | 'restMinutes' | 'mindMinutes' | 'sessions') => days.reduce((sum, d) => sum + d[key], 0);
      return {
        userId: request.params.userId,
        from,
        to,
        days: days.map(shown),
        totals: { activityMinutes: total('activityMinutes'), restMinutes: total('restMinutes'), mindMinutes: total('mindMinutes'), sessions: total('sessions') },
        moodTrend: moodTrend(days),
      };
    },
  );
}
