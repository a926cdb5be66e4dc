/**
 * startService's wiring: the operations routes (/healthz, /readyz, /metrics) come from the one
 * plugin, and start and stop follow Fastify's lifecycle in one order — the service's own work
 * starts after its handlers are subscribed and stops after consuming stopped, before the relay
 * and the bus; the bus closes with the app.
 */
import { describe, expect, it } from 'vitest';
import * as client from '../../../../generated/clients/shop/payment.js';
import { PGliteStore } from '../../../../src/durable/pglite-store.js';
import { defineService, memoryTransport, sendsOf, startService } from '../../../../src/service-kit/index.js';
import { topology } from '../support/in-memory.js';

describe('startService lifecycle', () => {
  it('serves the operations routes, runs start-up work after subscribing and closes in reverse order', async () => {
    const events: string[] = [];
    const store = await PGliteStore.open({ schema: 'eventplane' });
    const definition = defineService({
      service: client.paymentService,
      sends: sendsOf(client),
      setup(kit) {
        kit.onStart(() => {
          events.push(`start: ${kit.app.server.listening ? 'listening' : 'not listening'}`);
        });
        kit.onClose(() => {
          events.push('own work stopped');
        });
        return {
          subscribe: async (bus) => {
            events.push('subscribed');
            const subscriptions = await client.subscribePayment(bus, {
              onProcessPayment: async () => undefined,
              onRefundPayment: async () => undefined,
            });
            return subscriptions.map((s) => ({
              queue: s.queue,
              cancel: async () => {
                events.push('consuming stopped');
                await s.cancel();
              },
            }));
          },
        };
      },
    });
    const running = await startService(definition, { env: { LOG_LEVEL: 'silent' }, transport: memoryTransport(topology()), sharedStore: store, processMetrics: false });
    try {
      expect(events).toEqual(['subscribed', 'start: not listening']);
      const health = await fetch(`${running.url}/healthz`);
      expect(await health.json()).toEqual({ status: 'ok', service: 'shop/payment' });
      const ready = await fetch(`${running.url}/readyz`);
      expect(ready.status).toBe(200);
      expect(await ready.json()).toMatchObject({ status: 'ready', checks: { broker: { ok: true, transport: 'memory' }, database: { ok: true, kind: 'pglite' } } });
      const metrics = await fetch(`${running.url}/metrics`);
      expect(metrics.headers.get('content-type')).toContain('text/plain');
      expect(await metrics.text()).toContain('eventplane_outbox_pending');
    } finally {
      await running.close();
    }
    const stopped = events.slice(2);
    expect(stopped.length).toBeGreaterThan(1);
    expect(stopped.slice(0, -1).every((e) => e === 'consuming stopped')).toBe(true);
    expect(stopped.at(-1)).toBe('own work stopped');
    expect(running.bus.health()).toMatchObject({ ok: false, connection: 'closed' });
    await store.close();
  }, 300_000);
});
