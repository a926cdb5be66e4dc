/**
 * The instrumentation libraries, registered once per process before the code they watch loads:
 * `pg` (database spans), `pino` (trace_id/span_id on every log line) and `undici` (fetch, the
 * services' HTTP client; it carries traceparent to the callee). The project is ESM, so the
 * import-in-the-middle loader hook is registered too: without it an `import pg from 'pg'` is
 * never seen. Spans go to whatever tracer provider the service registers later (sdk.ts); until
 * then the API's proxy drops them.
 */
import { register } from 'node:module';
import { registerInstrumentations } from '@opentelemetry/instrumentation';
import { PgInstrumentation } from '@opentelemetry/instrumentation-pg';
import { PinoInstrumentation } from '@opentelemetry/instrumentation-pino';
import { UndiciInstrumentation } from '@opentelemetry/instrumentation-undici';
import { createAddHookMessageChannel } from 'import-in-the-middle';

let registered: Promise<void> | undefined;

export function instrument(): Promise<void> {
  registered ??= (async () => {
    const { registerOptions, waitForAllMessagesAcknowledged } = createAddHookMessageChannel();
    register('import-in-the-middle/hook.mjs', import.meta.url, registerOptions);
    registerInstrumentations({
      instrumentations: [
        // A span per query, none for the pool's connect bookkeeping.
        new PgInstrumentation({ requireParentSpan: true, ignoreConnectSpans: true }),
        // Correlation only: log lines stay on stdout, they are not sent as OTLP logs.
        new PinoInstrumentation({ disableLogSending: true, logKeys: { traceId: 'trace_id', spanId: 'span_id', traceFlags: 'trace_flags' } }),
        // Outgoing calls of the services; the exporter's own requests use node:http, not undici.
        new UndiciInstrumentation({ requireParentforSpans: true }),
      ],
    });
    await waitForAllMessagesAcknowledged();
  })();
  return registered;
}
