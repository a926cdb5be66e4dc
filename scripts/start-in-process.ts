/**
 * `npm start` without RabbitMQ: every service in this one process, on in-memory brokers (one
 * per system) loaded with the generated topology (so routing, retries and dead letters behave as
 * on RabbitMQ), sharing one PGlite (a schema per service) — or PostgreSQL with DATABASE_URL.
 * Same HTTP APIs, same demo; nothing survives the process.
 */
import { join } from 'node:path';
import type { DestinationStream } from 'pino';
import pc from 'picocolors';
import type { ServiceEntry } from '../services/registry.js';
import { choosePorts, urlEnvironment } from '../services/stack.js';
import { PGliteStore } from '../src/durable/pglite-store.js';
import { formatLogLine, servicePrefix } from '../src/service-kit/log-format.js';
import { startService, type RunningService } from '../src/service-kit/service.js';
import { memoryTransport } from '../src/service-kit/transport.js';
import { startSmtpSink } from '../src/local-cluster/smtp-sink.js';
import type { TopologyDocument } from '../src/topology/types.js';
import { runDemo } from './demo.js';
import { printSummary, say, serveCatalog, STATE_DIR, step, stopOnInterrupt } from './start-common.js';

export async function startInProcess(options: { topology: TopologyDocument; services: readonly ServiceEntry[]; demo: boolean }): Promise<number> {
  const transport = memoryTransport(options.topology);
  const databaseUrl = process.env['DATABASE_URL'];
  step(`starting ${options.services.length} services in this process (${databaseUrl ? 'PostgreSQL from DATABASE_URL' : 'one in-memory PGlite, a schema per service'})…`);
  const shared = databaseUrl ? undefined : await PGliteStore.open({ schema: 'eventplane' });
  const ports = await choosePorts(options.services, 'preferred');
  const urls = Object.fromEntries([...ports].map(([id, port]) => [id, `http://127.0.0.1:${port}`]));
  const width = Math.max(...options.services.map((s) => s.id.length));
  const running: RunningService[] = [];
  let catalog: { url: string; close(): Promise<void> } | undefined;
  // saas/email sends through SMTP: a local sink receives it into .eventplane/mail/.
  const mail = options.services.some((s) => s.id === 'saas/email') ? await startSmtpSink({ dir: join(STATE_DIR, 'mail') }) : undefined;

  let stopping: Promise<void> | undefined;
  const stopAll = () =>
    (stopping ??= (async () => {
      say();
      step('stopping the services…');
      for (const service of running.reverse()) await service.close();
      await catalog?.close();
      await mail?.close();
      await shared?.close();
      transport.close();
      say(pc.green('stopped.'));
    })());
  stopOnInterrupt(stopAll);

  try {
    for (const [index, entry] of options.services.entries()) {
      const prefix = servicePrefix(entry.id, index, width);
      const destination: DestinationStream = { write: (line: string) => void say(`${prefix} ${formatLogLine(line.trimEnd())}`) };
      const definition = await entry.load();
      running.push(
        await startService(definition, {
          env: {
            HOST: '127.0.0.1',
            PORT: String(ports.get(entry.id)),
            LOG_LEVEL: process.env['LOG_LEVEL'] ?? 'info',
            ...urlEnvironment(entry, urls),
            ...(databaseUrl ? { DATABASE_URL: databaseUrl, DATABASE_SCHEMA: entry.id.replace(/[^a-z0-9]+/gi, '_').toLowerCase() } : {}),
            ...(entry.id === 'clinic/notifications' ? { NOTIFICATIONS_FILE: join(STATE_DIR, 'notifications.jsonl') } : {}),
            ...(entry.id === 'saas/email' && mail ? { SMTP_HOST: mail.host, SMTP_PORT: String(mail.port) } : {}),
          },
          transport,
          ...(shared ? { sharedStore: shared } : {}),
          logDestination: destination,
          // One process: its CPU and memory metrics once, on the first service's /metrics.
          processMetrics: index === 0,
        }),
      );
    }
    say();
    if (options.demo) {
      step('demo (in-memory transport)');
      await runDemo(urls, say);
      say();
    }
    catalog = await serveCatalog();
    printSummary({ urls, ...(catalog ? { catalog: catalog.url } : {}) });
  } catch (error) {
    say(pc.red(`npm start failed: ${(error as Error).message}`));
    await stopAll();
    return 1;
  }
  await new Promise(() => undefined);
  return 0;
}
