/**
 * The Fastify app every service starts from: JSON-schema validated requests whose failures
 * come back as RFC 9457 problem documents naming each field, OpenAPI generated from the route
 * schemas (/openapi.json, browsable at /docs), and the operations routes (operations.ts).
 */
import swagger from '@fastify/swagger';
import swaggerUi from '@fastify/swagger-ui';
import type { JsonSchemaToTsProvider } from '@fastify/type-provider-json-schema-to-ts';
import Fastify, { LogController, type FastifyBaseLogger, type FastifyError, type FastifyInstance, type RawReplyDefaultExpression, type RawRequestDefaultExpression, type RawServerDefault } from 'fastify';
import type { Logger } from 'pino';
import { Histogram, type Registry } from 'prom-client';
import { InvalidPayloadError } from '../runtime/errors.js';
import { describeSchemaErrors, type FieldError } from '../runtime/schema-errors.js';
import { operations, type ReadinessCheck } from './operations.js';
import { HttpProblem } from './problem.js';

export type ServiceApp = FastifyInstance<RawServerDefault, RawRequestDefaultExpression, RawReplyDefaultExpression, FastifyBaseLogger, JsonSchemaToTsProvider>;

export interface HttpAppOptions {
  readonly service: string;
  readonly description?: string;
  readonly version?: string;
  readonly logger: Logger;
  readonly metrics: Registry;
  readonly readiness: () => readonly ReadinessCheck[];
  /** A SERVER span per request (continuing the caller's traceparent) when tracing is on. */
  readonly tracing?: boolean;
}

/** Probes, scrapes and API docs: no spans, they would bury the requests that matter. */
const UNTRACED = /^\/(healthz|readyz|metrics|openapi\.json|docs)(\/|$)/;

export async function createHttpApp(options: HttpAppOptions): Promise<ServiceApp> {
  const app = Fastify({
    loggerInstance: options.logger,
    // Health probes and metrics scrapes would drown the log; requests are measured in /metrics instead.
    logController: new LogController({ disableRequestLogging: true }),
    bodyLimit: 256 * 1024,
    // The onReady hooks subscribe the consumers and start the relay: on a machine starting many
    // services at once that can take longer than Fastify's 10 s. The broker and database
    // timeouts bound that work, and whoever starts the service bounds start-up as a whole.
    pluginTimeout: 120_000,
    ajv: {
      customOptions: {
        allErrors: true,
        // Unknown properties are refused by `additionalProperties: false`, never silently dropped.
        removeAdditional: false,
        coerceTypes: 'array',
        useDefaults: true,
      },
    },
  }).withTypeProvider<JsonSchemaToTsProvider>() as unknown as ServiceApp;
  // Before any route: the plugin instruments routes as they are added (Fastify's own hooks, no patching).
  if (options.tracing) {
    // Loaded only when tracing is on: an idle service without it stays lean (bench:stack).
    const { FastifyOtelInstrumentation } = await import('@fastify/otel');
    const instrumentation = new FastifyOtelInstrumentation({
      ignorePaths: ({ url }) => UNTRACED.test(url),
      // One SERVER span per request, named `METHOD /route` (HTTP conventions); a span per
      // Fastify hook would bury the handlers' own work.
      instrumentHooks: false,
      instrumentHandler: false,
      requestHook: (span, request) => span.updateName(`${request.method} ${request.routeOptions.url ?? request.url.split('?')[0]}`),
    });
    await app.register(instrumentation.plugin());
  }

  const duration = new Histogram({
    name: 'http_request_duration_seconds',
    help: 'HTTP requests by route and status.',
    labelNames: ['method', 'route', 'status_code'],
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
    registers: [options.metrics],
  });
  app.addHook('onResponse', async (request, reply) => {
    const route = request.routeOptions.url ?? 'unmatched';
    duration.observe({ method: request.method, route, status_code: String(reply.statusCode) }, reply.elapsedTime / 1000);
    if (reply.statusCode >= 500) request.log.warn({ method: request.method, url: request.url, status: reply.statusCode }, 'request failed');
    else request.log.debug({ method: request.method, url: request.url, status: reply.statusCode, ms: Math.round(reply.elapsedTime) }, 'request');
  });

  app.setErrorHandler((error: FastifyError, request, reply) => {
    if (error.validation) {
      const where = error.validationContext ?? 'body';
      const fields = describeSchemaErrors(error.validation).map((f) => ({ field: `${where}/${f.field}`.replace(/\/\(root\)$/, ''), message: f.message }));
      return problem(reply, 400, 'Bad Request', summary(fields), { errors: fields });
    }
    if (error instanceof HttpProblem) return problem(reply, error.status, error.title, error.message, error.extra);
    if (error instanceof InvalidPayloadError) {
      // The request passed the API's schema but would make an event its contract refuses.
      return problem(reply, 400, 'Bad Request', `the request would publish an invalid ${error.messageType}: ${summary(error.fields)}`, {
        errors: error.fields,
      });
    }
    if (error.statusCode && error.statusCode >= 400 && error.statusCode < 500) {
      return problem(reply, error.statusCode, error.name, error.message);
    }
    request.log.error({ err: error, method: request.method, url: request.url }, 'request failed');
    return problem(reply, 500, 'Internal Server Error', 'the service failed to handle the request; see its log');
  });
  app.setNotFoundHandler((request, reply) => problem(reply, 404, 'Not Found', `no route ${request.method} ${request.url.split('?')[0]}`));

  await app.register(swagger, {
    openapi: {
      openapi: '3.1.0',
      info: { title: options.service, version: options.version ?? '1.0.0', ...(options.description ? { description: options.description } : {}) },
    },
  });
  await app.register(swaggerUi, { routePrefix: '/docs' });

  app.get('/openapi.json', { schema: { hide: true } }, async () => app.swagger());

  await app.register(operations({ service: options.service, metrics: options.metrics, readiness: options.readiness }));
  return app;
}

function summary(fields: readonly FieldError[]): string {
  return fields.map((f) => `${f.field} ${f.message}`).join('; ');
}

function problem(reply: { code(status: number): { header(name: string, value: string): { send(body: unknown): unknown } } }, status: number, title: string, detail: string, extra: Record<string, unknown> = {}) {
  return reply.code(status).header('Content-Type', 'application/problem+json; charset=utf-8').send({ type: 'about:blank', title, status, detail, ...extra });
}
