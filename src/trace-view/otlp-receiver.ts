/**
 * A local OTLP/HTTP endpoint for traces (POST /v1/traces, JSON encoding) on 127.0.0.1: what
 * `npm start` and the tracing tests point the services' OTEL_EXPORTER_OTLP_ENDPOINT at. It keeps
 * the spans in memory, grouped by trace, and lets a caller wait for a trace to hold what it needs.
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { gunzipSync } from 'node:zlib';
import { decodeOtlpJson, OtlpDecodeError, type SpanRecord } from './otlp-json.js';

/** The environment that makes a service export to this receiver. */
export function otlpEnvFor(endpoint: string): Record<string, string> {
  return { OTEL_EXPORTER_OTLP_ENDPOINT: endpoint, OTEL_EXPORTER_OTLP_PROTOCOL: 'http/json', OTEL_BSP_SCHEDULE_DELAY: '200' };
}

export interface OtlpReceiver {
  /** http://127.0.0.1:port — the value for OTEL_EXPORTER_OTLP_ENDPOINT. */
  readonly endpoint: string;
  /** Every span of one trace received so far. */
  trace(traceId: string): SpanRecord[];
  /** All spans received so far. */
  spans(): SpanRecord[];
  /** Resolves with the trace once `done` accepts it; rejects with what it holds after `timeoutMs`. */
  waitForTrace(traceId: string, done: (spans: readonly SpanRecord[]) => boolean, timeoutMs?: number): Promise<SpanRecord[]>;
  close(): Promise<void>;
}

const MAX_BODY_BYTES = 16 * 1024 * 1024;

export async function startOtlpReceiver(options: { port?: number } = {}): Promise<OtlpReceiver> {
  const byTrace = new Map<string, SpanRecord[]>();
  const waiters = new Set<() => void>();

  const receive = (spans: readonly SpanRecord[]) => {
    for (const span of spans) {
      const list = byTrace.get(span.traceId) ?? [];
      list.push(span);
      byTrace.set(span.traceId, list);
    }
    for (const wake of [...waiters]) wake();
  };

  const server = createServer((request, response) => {
    void handle(request, response, receive);
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, '127.0.0.1', () => resolve());
  });
  const { port } = server.address() as AddressInfo;

  return {
    endpoint: `http://127.0.0.1:${port}`,
    trace: (traceId) => [...(byTrace.get(traceId) ?? [])],
    spans: () => [...byTrace.values()].flat(),
    waitForTrace(traceId, done, timeoutMs = 30_000) {
      return new Promise((resolve, reject) => {
        const check = () => {
          const spans = byTrace.get(traceId) ?? [];
          if (!done(spans)) return;
          cleanup();
          resolve([...spans]);
        };
        const timer = setTimeout(() => {
          cleanup();
          const spans = byTrace.get(traceId) ?? [];
          reject(new Error(`trace ${traceId} incomplete after ${timeoutMs} ms; it holds ${spans.length} spans: ${spans.map((s) => `${s.service} ${s.name}`).join(', ')}`));
        }, timeoutMs);
        const cleanup = () => {
          clearTimeout(timer);
          waiters.delete(check);
        };
        waiters.add(check);
        check();
      });
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

async function handle(request: IncomingMessage, response: ServerResponse, receive: (spans: readonly SpanRecord[]) => void): Promise<void> {
  const answer = (status: number, body: object) => {
    response.writeHead(status, { 'content-type': 'application/json' });
    response.end(JSON.stringify(body));
  };
  if (request.method !== 'POST' || request.url?.split('?')[0] !== '/v1/traces') return answer(404, { message: 'only POST /v1/traces is received here' });
  if (!request.headers['content-type']?.startsWith('application/json')) {
    return answer(415, { message: 'send OTLP/HTTP JSON (OTEL_EXPORTER_OTLP_PROTOCOL=http/json)' });
  }
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of request) {
    size += (chunk as Buffer).length;
    if (size > MAX_BODY_BYTES) return answer(413, { message: `request above ${MAX_BODY_BYTES} bytes` });
    chunks.push(chunk as Buffer);
  }
  let body = Buffer.concat(chunks);
  try {
    if (request.headers['content-encoding'] === 'gzip') body = gunzipSync(body);
    receive(decodeOtlpJson(body.toString('utf8')));
  } catch (error) {
    return answer(400, { message: error instanceof OtlpDecodeError ? error.message : `unreadable request: ${(error as Error).message}` });
  }
  answer(200, {});
}
