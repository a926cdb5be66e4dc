/**
 * The routes a platform operates a service by, as one Fastify plugin: liveness (`/healthz`),
 * readiness (`/readyz`: every check answers within 2 s, else 503 so traffic goes elsewhere)
 * and Prometheus metrics (`/metrics`). Registered by createHttpApp for every service.
 */
import type { FastifyInstance } from 'fastify';
import type { Registry } from 'prom-client';

/**
 * Thrown by a readiness check whose dependency is up but refuses work for now — the broker
 * blocking publishers during a memory or disk alarm: /readyz answers 503 with status `blocked`
 * and this reason rather than a generic `not ready`.
 */
export class DependencyBlockedError extends Error {
  override readonly name = 'DependencyBlockedError';
}

export interface ReadinessCheck {
  readonly name: string;
  /** Resolves with details when healthy; throws (or rejects) with the reason otherwise. */
  check(): Promise<Record<string, unknown>>;
}

export interface OperationsOptions {
  readonly service: string;
  readonly metrics: Registry;
  /** The checks /readyz runs, asked for at each request (the parts behind them may start later). */
  readonly readiness: () => readonly ReadinessCheck[];
}

const READINESS_TIMEOUT_MS = 2_000;

export function operations(options: OperationsOptions) {
  return async function operationsRoutes(app: FastifyInstance): Promise<void> {
    const tags = ['operations'];
    app.get('/healthz', { schema: { tags, summary: 'Liveness: the process is up and its event loop answers' } }, async () => ({
      status: 'ok',
      service: options.service,
    }));

    app.get('/readyz', { schema: { tags, summary: 'Readiness: the broker and the database answer' } }, async (_request, reply) => {
      const results = await Promise.all(options.readiness().map(runCheck));
      const ready = results.every((r) => r.ok);
      const blocked = results.find((r) => r.blocked !== undefined)?.blocked;
      const checks = Object.fromEntries(results.map((r) => [r.name, r.detail]));
      if (ready) return reply.code(200).send({ status: 'ready', checks });
      return reply.code(503).send(blocked !== undefined ? { status: 'blocked', reason: blocked, checks } : { status: 'not ready', checks });
    });

    app.get('/metrics', { schema: { tags, summary: 'Prometheus metrics' } }, async (_request, reply) => {
      return reply.header('Content-Type', options.metrics.contentType).send(await options.metrics.metrics());
    });
  };
}

async function runCheck(check: ReadinessCheck): Promise<{ name: string; ok: boolean; detail: Record<string, unknown>; blocked?: string }> {
  let timer: NodeJS.Timeout | undefined;
  try {
    const detail = await Promise.race([
      check.check(),
      new Promise<never>((_, reject) => {
        timer = setTimeout(() => reject(new Error(`no answer within ${READINESS_TIMEOUT_MS} ms`)), READINESS_TIMEOUT_MS);
      }),
    ]);
    return { name: check.name, ok: true, detail: { ok: true, ...detail } };
  } catch (error) {
    const message = (error as Error).message;
    return { name: check.name, ok: false, detail: { ok: false, error: message }, ...(error instanceof DependencyBlockedError ? { blocked: message } : {}) };
  } finally {
    clearTimeout(timer);
  }
}
