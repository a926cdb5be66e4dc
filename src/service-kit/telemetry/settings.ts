/**
 * When tracing is on and what the service is called, from the standard OTEL_* variables only.
 * Pure: the preload, the service kit and the launchers all decide the same way.
 */
export type Env = Readonly<Record<string, string | undefined>>;

/**
 * On when the spans have somewhere to go: an OTLP endpoint, or an exporter named explicitly
 * (OTEL_TRACES_EXPORTER=console). Without either the SDK is never started, so the API stays a
 * no-op and tracing costs nothing — the SDK's own default (http://localhost:4318) would send every
 * span to a port nobody listens on. OTEL_SDK_DISABLED=true wins over everything.
 */
export function tracingEnabled(env: Env): boolean {
  if (env['OTEL_SDK_DISABLED']?.trim().toLowerCase() === 'true') return false;
  const exporters = env['OTEL_TRACES_EXPORTER']?.split(',').map((name) => name.trim()).filter((name) => name !== '') ?? [];
  if (exporters.length > 0 && exporters.every((name) => name === 'none')) return false;
  return Boolean(env['OTEL_EXPORTER_OTLP_ENDPOINT'] || env['OTEL_EXPORTER_OTLP_TRACES_ENDPOINT'] || exporters.some((name) => name !== 'none' && name !== 'otlp'));
}

/** OTEL_SERVICE_NAME if set, else the contract's service id (`shop/order`). */
export function serviceNameOf(env: Env, serviceId: string): string {
  return env['OTEL_SERVICE_NAME']?.trim() || serviceId;
}
