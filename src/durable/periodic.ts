/**
 * Work repeated on an interval while something runs: never two runs at once (a slow run makes
 * the next tick wait for nothing, not pile up), a failure logged and tried again at the next
 * tick, and `stop()` waits for the run in progress. Housekeeping and the services' own sweeps
 * (`kit.every`) use it.
 */
import type { RuntimeLogger } from '../runtime/logger.js';

export interface PeriodicOptions {
  readonly intervalMs: number;
  /** What the work is, for the log line when it fails. */
  readonly what: string;
  readonly logger: RuntimeLogger;
  /** Run once at start as well (default: first run after one interval). */
  readonly immediately?: boolean;
}

export class PeriodicTask {
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<void> | undefined;

  constructor(
    private readonly work: () => Promise<void>,
    private readonly options: PeriodicOptions,
  ) {}

  start(): void {
    if (this.timer) return;
    this.timer = setInterval(this.tick, this.options.intervalMs);
    // A sweep is never a reason to keep the process alive.
    this.timer.unref();
    if (this.options.immediately) this.tick();
  }

  async stop(): Promise<void> {
    clearInterval(this.timer);
    this.timer = undefined;
    await this.running;
  }

  private readonly tick = (): void => {
    this.running ??= this.work()
      .catch((error: unknown) => this.options.logger.warn({ err: error }, `${this.options.what} failed; will try again`))
      .finally(() => {
        this.running = undefined;
      });
  };
}
