/**
 * What the chaos workers (./producer.ts, ./consumer.ts) share: their configuration (one JSON
 * environment variable, so credentials never appear on a command line or in `ps`), reports to
 * the parent over IPC, and a logger that writes to the worker's own file, keeping the
 * suite's progress output readable while leaving the runtime's warnings for diagnosis.
 */
import { pino } from 'pino';
import type { RuntimeLogger } from '../../src/runtime/logger.js';

export interface WorkerConfig {
  readonly generatedDir: string;
  readonly databaseUrl: string;
  /** One AMQP URL per cluster node: the runtime fails over between them. */
  readonly urls: readonly string[];
  readonly logFile: string;
}

export interface ConsumerConfig extends WorkerConfig {
  /**
   * SIGKILL itself synchronously right after the handler of this many entries committed: that
   * delivery is handled and not acknowledged, and the rest of the prefetched batch is in flight.
   */
  readonly crashAfterApplied?: number;
}

export interface ProducerConfig extends WorkerConfig {
  readonly stream: string;
  /** Entries the stream has in total; a restarted producer continues where the table ends. */
  readonly total: number;
  readonly ratePerSecond: number;
  /** Entries per transaction. */
  readonly batch: number;
  /** Aggregates (accounts) the entries are spread over. */
  readonly accounts: number;
  /** SIGKILL itself right after the commit of the batch holding this entry, before any publish. */
  readonly crashAfterSeq?: number;
  readonly relayLeaseMs: number;
  readonly publishTimeoutMs: number;
}

export type WorkerReport =
  | { readonly event: 'ready'; readonly from?: number }
  | { readonly event: 'progress'; readonly count: number }
  | { readonly event: 'done'; readonly count: number };

/** Messages from the parent. */
export type WorkerCommand = { readonly command: 'stop' };

export const CONFIG_VARIABLE = 'EVENTPLANE_CHAOS_WORKER';

export function workerConfig<T extends WorkerConfig>(): T {
  const raw = process.env[CONFIG_VARIABLE];
  if (!raw) throw new Error(`${CONFIG_VARIABLE} is not set: chaos workers are started by scripts/chaos`);
  return JSON.parse(raw) as T;
}

export function report(message: WorkerReport): void {
  process.send?.(message);
}

export function workerLogger(file: string, name: string): RuntimeLogger {
  return pino({ name, level: 'info' }, pino.destination({ dest: file, append: true, mkdir: true, sync: false }));
}

/** Runs `stop` when the parent says so (graceful end of a scenario), then exits. */
export function onStopCommand(stop: () => Promise<void>): void {
  process.on('message', (message: WorkerCommand) => {
    if (message.command !== 'stop') return;
    stop().then(
      () => process.exit(0),
      () => process.exit(1),
    );
  });
  // The parent died: nobody will ever say stop.
  process.on('disconnect', () => process.exit(0));
}
