/**
 * The tracing section: what OpenTelemetry costs the runtime. The same publish and consume (1 KiB
 * persistent messages, one quorum queue, the runtime section's objects) in two kinds of process,
 * alternating within each round:
 *
 *   off  no OTEL_EXPORTER_OTLP_ENDPOINT: the SDK is never started (the default)
 *   on   an endpoint set: the service kit's SDK, every message sampled, a PRODUCER and a CONSUMER
 *        span each, exported over OTLP/HTTP to a sink this section runs
 *
 * Ratios are on/off, the median of the per-round ratios.
 */
import { spawn } from 'node:child_process';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { fileURLToPath } from 'node:url';
import { median, type BenchContext, type BenchSection, type SectionResult } from '../harness.js';
import { benchObjects } from '../runtime/message.js';
import { declare, remove } from './runtime.js';

const PROBE = fileURLToPath(new URL('../runtime/tracing-probe.ts', import.meta.url));

export const section: BenchSection = {
  name: 'tracing',
  title: 'OpenTelemetry: publish and consume with tracing off vs on',
  order: 15,
  run,
};

interface Probe {
  readonly publish: number;
  readonly consume: number;
}

/** Accepts OTLP requests and drops them: the cost measured is the services', not a backend's. */
async function otlpSink(): Promise<{ endpoint: string; requests: () => number; close(): Promise<void> }> {
  let requests = 0;
  const server = createServer((request, response) => {
    request.resume();
    request.on('end', () => {
      requests += 1;
      response.writeHead(200, { 'content-type': 'application/json' }).end('{}');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    endpoint: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    requests: () => requests,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}

function probe(url: string, prefix: string, messages: number, env: Record<string, string>): Promise<Probe> {
  const base = Object.fromEntries(Object.entries(process.env).filter(([key]) => !key.startsWith('OTEL_')));
  const child = spawn(process.execPath, ['--import', 'tsx', PROBE, url, prefix, String(messages)], { env: { ...base, ...env }, stdio: ['ignore', 'pipe', 'inherit'] });
  let out = '';
  child.stdout.on('data', (chunk: Buffer) => (out += chunk.toString()));
  return new Promise((resolve, reject) => {
    child.on('exit', (code) => {
      if (code !== 0) return reject(new Error(`tracing probe exited with ${code}`));
      resolve(JSON.parse(out.trim().split('\n').at(-1)!) as Probe);
    });
  });
}

async function run(context: BenchContext): Promise<SectionResult> {
  const rounds = context.quick ? 2 : 5;
  const messages = context.quick ? 3_000 : 10_000;
  const objects = benchObjects(`${context.prefix}-tracing`);
  const sink = await otlpSink();
  const modes = {
    off: {} as Record<string, string>,
    // The SDK's default protocol (OTLP/HTTP protobuf), as in the cluster.
    on: { OTEL_EXPORTER_OTLP_ENDPOINT: sink.endpoint, OTEL_TRACES_SAMPLER: 'always_on' } as Record<string, string>,
  };
  const results = { off: [] as Probe[], on: [] as Probe[] };
  await declare(context.amqpUrl, objects);
  try {
    for (let round = 1; round <= rounds; round++) {
      for (const mode of round % 2 === 0 ? (['on', 'off'] as const) : (['off', 'on'] as const)) {
        const result = await probe(context.amqpUrl, `${context.prefix}-tracing`, messages, modes[mode]);
        results[mode].push(result);
        context.log(`round ${round}/${rounds} tracing ${mode.padEnd(3)}: publish ${Math.round(result.publish)} msg/s, consume ${Math.round(result.consume)} msg/s`);
      }
    }
  } finally {
    await remove(context.amqpUrl, objects);
    await sink.close();
  }
  if (sink.requests() === 0) throw new Error('tracing on exported nothing: the figures would compare off with off');
  const paired = (key: keyof Probe) => median(results.on.map((on, i) => on[key] / results.off[i]![key]));
  const figures = {
    publish: { off: Math.round(median(results.off.map((r) => r.publish))), on: Math.round(median(results.on.map((r) => r.publish))), ratio: paired('publish') },
    consume: { off: Math.round(median(results.off.map((r) => r.consume))), on: Math.round(median(results.on.map((r) => r.consume))), ratio: paired('consume') },
  };
  context.log(`tracing on/off: publish ${figures.publish.ratio.toFixed(2)}, consume ${figures.consume.ratio.toFixed(2)} (${sink.requests()} OTLP requests received)`);
  return {
    json: { tracing: { publish: { ...figures.publish, ratio: Math.round(figures.publish.ratio * 100) / 100 }, consume: { ...figures.consume, ratio: Math.round(figures.consume.ratio * 100) / 100 } } },
    rows: (['publish', 'consume'] as const).map((key) => ({
      section: 'tracing',
      metric: `${key} 1 KiB, tracing on (every message, OTLP) vs off`,
      unit: 'msg/s',
      values: { off: figures[key].off, on: figures[key].on },
      ratio: { value: figures[key].ratio, target: 'info', met: true },
    })),
    chart: {
      title: 'eventplane runtime with OpenTelemetry off (no endpoint) vs on (every message traced, OTLP export)',
      panels: [
        {
          title: 'throughput',
          unit: 'msg/s',
          groups: (['publish', 'consume'] as const).map((key) => ({
            label: key,
            bars: [
              { series: 'tracing off', value: figures[key].off },
              { series: 'tracing on', value: figures[key].on },
            ],
          })),
        },
      ],
    },
  };
}
