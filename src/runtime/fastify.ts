/**
 * Wiring a bus into a Fastify service:
 *
 *   const bus = await createAmqpBus({ urls, service });      // or createInMemoryBus
 *   await app.register(eventplaneFastify(bus));              // GET /readyz, GET /metrics, close on app.close()
 *   await subscribeBilling(bus, handlers);                   // generated
 *
 * /readyz answers 503 while the broker connection is down, the broker blocks publishing, or a
 * consumer is recovering, so Kubernetes stops routing traffic; app.close() (e.g. from
 * closeOnSignals) drains the consumers before the process exits.
 */
import type { FastifyInstance } from 'fastify';
import type { Bus } from './bus.js';

export interface EventplaneFastifyOptions {
  /** Default `/readyz`. */
  readonly readinessPath?: string;
  /** Default `/metrics`; `false` when the service already serves the registry the bus uses. */
  readonly metricsPath?: string | false;
}

export function eventplaneFastify(bus: Bus, options: EventplaneFastifyOptions = {}) {
  const readinessPath = options.readinessPath ?? '/readyz';
  const metricsPath = options.metricsPath ?? '/metrics';
  return async function eventplane(app: FastifyInstance): Promise<void> {
    app.get(readinessPath, async (_request, reply) => {
      const health = bus.health();
      return reply.code(health.ok && !health.blocked ? 200 : 503).send(health);
    });
    if (metricsPath !== false) {
      app.get(metricsPath, async (_request, reply) => reply.header('content-type', bus.metrics.contentType).send(await bus.metrics.metrics()));
    }
    app.addHook('onClose', async () => {
      await bus.close();
    });
  };
}
