/**
 * The entry point of a service process (`services/<system>/<service>/main.ts`): start it from
 * the environment, stop it gracefully on SIGTERM/SIGINT within SHUTDOWN_TIMEOUT_MS, and turn a
 * configuration mistake into a short message and exit code 78 (EX_CONFIG) instead of a stack.
 */
import { closeOnSignals } from '../runtime/shutdown.js';
import { ConfigError, type BaseConfig } from './config.js';
import { startService, type RunningService, type ServiceDefinition } from './service.js';

export const EXIT_CONFIG = 78;

export async function runService<C extends BaseConfig>(definition: ServiceDefinition<C>): Promise<RunningService | undefined> {
  let running: RunningService;
  try {
    running = await startService(definition);
  } catch (error) {
    if (error instanceof ConfigError) {
      process.stderr.write(`${error.message}\n`);
      process.exitCode = EXIT_CONFIG;
      return undefined;
    }
    process.stderr.write(`${definition.service.id}: failed to start: ${(error as Error).stack ?? String(error)}\n`);
    process.exit(1);
  }
  const timeoutMs = Number(process.env['SHUTDOWN_TIMEOUT_MS'] ?? 25_000) || 25_000;
  closeOnSignals(() => running.close(), {
    timeoutMs,
    onError: (error) => running.log.error({ err: error }, 'graceful shutdown failed'),
  });
  process.on('unhandledRejection', (reason) => {
    // A promise nobody awaited failed: the process may be in a state nobody planned for. Stop
    // cleanly and let the supervisor start a fresh one; unacked messages return to their queues.
    running.log.fatal({ err: reason }, 'unhandled promise rejection: shutting down');
    void running.close().finally(() => process.exit(1));
  });
  if (process.send) {
    // Started by a supervisor (npm start, the e2e tests) over IPC: never outlive it. The channel
    // closes when the supervisor exits, however it exits.
    process.once('disconnect', () => {
      running.log.warn('supervisor gone: shutting down');
      void running.close().finally(() => process.exit(0));
    });
    process.send({ event: 'ready', service: definition.service.id, url: running.url, port: running.port });
  }
  return running;
}
