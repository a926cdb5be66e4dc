import Fastify from 'fastify';
import { describe, expect, it } from 'vitest';
import { eventplaneFastify } from '../../../src/runtime/fastify.js';
import { createInMemoryBus } from '../../../src/runtime/memory-bus.js';
import { billingOrders, billingService } from '../../fixtures/runtime/shop-contract.js';

const silent = { debug() {}, info() {}, warn() {}, error() {}, child: () => silent };

describe('eventplaneFastify', () => {
  it('serves /readyz and /metrics, and closes the bus with the app', async () => {
    const bus = createInMemoryBus({ service: billingService, logger: silent });
    const app = Fastify();
    await app.register(eventplaneFastify(bus));
    await bus.subscribe(billingOrders, async () => {});

    const ready = await app.inject({ url: '/readyz' });
    expect(ready.statusCode).toBe(200);
    expect(ready.json()).toMatchObject({ ok: true, transport: 'memory', consumers: [{ queue: 'billing.orders', state: 'consuming' }] });
    const metrics = await app.inject({ url: '/metrics' });
    expect(metrics.headers['content-type']).toContain('text/plain');
    expect(metrics.body).toContain('# TYPE eventplane_handled_total counter');

    await app.close();
    expect(bus.health()).toMatchObject({ ok: false, connection: 'closed', consumers: [] });
  });

  it('answers 503 while the bus is not ready', async () => {
    const bus = createInMemoryBus({ service: billingService, logger: silent });
    await bus.close();
    const app = Fastify();
    await app.register(eventplaneFastify(bus, { metricsPath: false }));
    expect((await app.inject({ url: '/readyz' })).statusCode).toBe(503);
    expect((await app.inject({ url: '/metrics' })).statusCode).toBe(404);
    await app.close();
  });
});
