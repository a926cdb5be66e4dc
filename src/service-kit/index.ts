/** The plumbing every service shares, so that a service holds only its own domain code. */
export { baseEnvSchema, ConfigError, loadConfig, redactConfig, type BaseConfig, type ConfigOf, type ConfigProblem, type EnvSchema } from './config.js';
export { defaultSchemaOf, eventplaneSchemaOf, openServiceDatabase, schemaView, type ServiceDatabase } from './database.js';
export { createHttpApp, type ServiceApp } from './http-app.js';
export { DependencyBlockedError, operations, type OperationsOptions, type ReadinessCheck } from './operations.js';
export { nameBasedUuid } from './ids.js';
export { durationMs } from '../shared/duration.js';
export { JsonClient, UpstreamError, type JsonResponse } from './http-client.js';
export { createLogger } from './logger.js';
export { outboxPublisher, sendsOf } from './outbox-publisher.js';
export { badRequest, conflict, HttpProblem, notFound } from './problem.js';
export { EXIT_CONFIG, runService } from './run.js';
export { defineService, startService, type RunningService, type ServiceDefinition, type ServiceKit, type ServiceParts, type StartOptions } from './service.js';
export { amqpTransport, amqpUrls, memoryTransport, type BusRequest, type Transport } from './transport.js';
