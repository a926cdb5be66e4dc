/**
 * The OpenTelemetry Node SDK of one service, configured by the standard OTEL_* variables only
 * (endpoint, protocol, headers, sampler, resource attributes): `startTracing` returns undefined
 * and starts nothing when tracing is off (settings.ts). Traces only: metrics stay on the
 * Prometheus endpoint and logs on stdout unless OTEL_METRICS_EXPORTER / OTEL_LOGS_EXPORTER ask
 * for OTLP too.
 */
import type { NodeSDK } from '@opentelemetry/sdk-node';
import { serviceNameOf, tracingEnabled, type Env } from './settings.js';

export interface Tracing {
  /** Exports what is buffered and stops; spans after this are dropped. */
  shutdown(): Promise<void>;
}

/**
 * One SDK per process: services started in one process (npm start --memory) share it. `env`
 * decides whether it starts and its service name; the SDK itself reads its other settings from
 * process.env, as the OpenTelemetry specification has it.
 */
let shared: { sdk: NodeSDK; users: number } | undefined;

export async function startTracing(serviceId: string, env: Env = process.env): Promise<Tracing | undefined> {
  if (!tracingEnabled(env)) return undefined;
  if (shared === undefined) shared = { sdk: await newSdk(serviceId, env), users: 0 };
  const current = shared;
  current.users += 1;
  let done = false;
  return {
    shutdown() {
      if (done) return Promise.resolve();
      done = true;
      current.users -= 1;
      if (current.users > 0) return Promise.resolve();
      if (shared === current) shared = undefined;
      return current.sdk.shutdown();
    },
  };
}

async function newSdk(serviceId: string, env: Env): Promise<NodeSDK> {
  // Normally done by the --import preload (register.ts) already; here for a process started
  // without it, where everything but the libraries loaded before this line is still traced.
  await (await import('./instrument.js')).instrument();
  // Loaded only when tracing is on: the SDK and its exporters would cost an idle service ~30 MB.
  const { NodeSDK } = await import('@opentelemetry/sdk-node');
  process.env['OTEL_METRICS_EXPORTER'] ??= 'none';
  process.env['OTEL_LOGS_EXPORTER'] ??= 'none';
  const sdk: NodeSDK = new NodeSDK({ serviceName: serviceNameOf(env, serviceId), instrumentations: [] });
  sdk.start();
  return sdk;
}
