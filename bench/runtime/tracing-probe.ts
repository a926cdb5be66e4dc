/**
 * One measurement for the tracing section, in a process of its own so "off" really is a process
 * without an SDK: `tracing-probe.ts <amqpUrl> <prefix> <messages>`, tracing on exactly when the
 * OTEL_* environment says so (as in a service: startTracing, spans exported over OTLP/HTTP).
 * Publishes `messages` (window 1000), consumes them, prints {"publish":msg/s,"consume":msg/s}.
 */
import { startTracing } from '../../src/service-kit/telemetry/sdk.js';
import { benchObjects } from './message.js';
import { eventplaneBus, eventplaneConsume, eventplanePublish } from './contenders.js';
import { windowed } from './drive.js';

const [url, prefix, count] = process.argv.slice(2);
if (!url || !prefix || !count) throw new Error('usage: tracing-probe.ts <amqpUrl> <prefix> <messages>');
const messages = Number(count);
const tracing = await startTracing('bench/orders');
const objects = benchObjects(prefix);
const bus = await eventplaneBus(url);
try {
  // Warm-up: JIT and the channel, outside the figures.
  await windowed(eventplanePublish(bus, objects), 1_000, 1_000, 5_000);
  await eventplaneConsume(bus, objects, 1_000);
  const published = await windowed(eventplanePublish(bus, objects), messages, 1_000, 120_000);
  const consumeMs = await eventplaneConsume(bus, objects, messages);
  process.stdout.write(`${JSON.stringify({ publish: published.perSecond, consume: (messages * 1000) / consumeMs })}\n`);
} finally {
  await bus.close();
  await tracing?.shutdown();
}
