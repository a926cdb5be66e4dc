/**
 * orbita/meetings on the in-memory transport: it starts and is ready, and frequency changes —
 * set by the user or adapted from check-ins — are recorded and published through the outbox.
 * (It receives nothing, so the scaffold's per-message cases do not apply.)
 */
import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openStore, type DurableStore } from '../../../../src/durable/index.js';
import { memoryTransport, startService, type RunningService } from '../../../../src/service-kit/index.js';
import { meetings } from '../../../../services/orbita/meetings/service.js';

const transport = memoryTransport(JSON.parse(readFileSync('generated/topology.json', 'utf8')));
const env = { PORT: '0', LOG_LEVEL: process.env['TEST_LOG_LEVEL'] ?? 'silent' };
let store: DurableStore;
let service: RunningService;

beforeAll(async () => {
  // One in-memory PGlite for the service and the stand-ins (each in its own schema).
  store = await openStore({ migrate: false });
  const options = { env, transport, sharedStore: store, processMetrics: false };
  service = await startService(meetings, options);
}, 180_000);

afterAll(async () => {
  await service?.close();
  await store?.close();
  transport.close();
});

/** The service's counter `name` for messages of `type` (its /metrics). */
async function counter(name: string): Promise<number> {
  const text = await (await fetch(`${service.url}/metrics`)).text();
  let total = 0;
  for (const line of text.split('\n')) if (line.startsWith(`${name}{`) || line.startsWith(`${name} `)) total += Number(line.slice(line.lastIndexOf(' ') + 1));
  return total;
}

describe('orbita/meetings', () => {
  it('is ready', async () => {
    expect((await fetch(`${service.url}/readyz`)).status).toBe(200);
  });

  it('publishes a frequency change made by the user, and one adapted from check-ins', async () => {
    const post = (path: string, method: string, body: unknown) =>
      fetch(`${service.url}${path}`, { method, headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) }).then(async (r) => ({ status: r.status, body: (await r.json()) as any }));
    const created = await post('/api/series', 'POST', { userId: randomUUID(), attendeeId: randomUUID(), frequency: 'biweekly', durationMinutes: 30 });
    expect(created.status).toBe(201);
    const id = created.body.seriesId as string;
    expect((await post(`/api/series/${id}/frequency`, 'PUT', { frequency: 'weekly' })).body.frequency).toBe('weekly');
    // Three great check-ins: the relationship is healthy, meet less often.
    for (const health of [5, 4, 5]) await post(`/api/series/${id}/check-ins`, 'POST', { health });
    const series = (await post(`/api/series/${id}/check-ins`, 'POST', { health: 3 })).body;
    expect(series.changes).toMatchObject([
      { n: 1, previous: 'biweekly', frequency: 'weekly', changedBy: 'user' },
      { n: 2, previous: 'weekly', frequency: 'biweekly', changedBy: 'auto' },
    ]);
    const deadline = Date.now() + 10_000;
    while ((await counter('eventplane_outbox_published_total')) < 2) {
      if (Date.now() > deadline) throw new Error('the two Smart1to1FrequencyChanged were not published within 10 s');
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
  });
});
