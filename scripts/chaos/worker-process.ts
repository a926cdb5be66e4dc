/**
 * Parent side of a chaos worker: a real child process (tsx, IPC) that can be waited on,
 * stopped gracefully, or killed with SIGKILL at any moment.
 */
import { fork, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { CONFIG_VARIABLE, type WorkerConfig, type WorkerReport } from './worker-support.js';

export interface ExitStatus {
  readonly code: number | null;
  readonly signal: NodeJS.Signals | null;
  /** When the exit was observed (epoch ms). */
  readonly at: number;
}

export class WorkerProcess {
  readonly child: ChildProcess;
  readonly exited: Promise<ExitStatus>;
  private status: ExitStatus | undefined;
  private latest: Partial<Record<WorkerReport['event'], WorkerReport>> = {};
  private waiters: Array<() => void> = [];

  constructor(
    readonly role: 'producer' | 'consumer',
    config: WorkerConfig,
  ) {
    const script = fileURLToPath(new URL(`./${role}.ts`, import.meta.url));
    this.child = fork(script, [], {
      execArgv: ['--import', 'tsx'],
      env: { ...process.env, [CONFIG_VARIABLE]: JSON.stringify(config) },
      stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
    });
    this.child.on('message', (message: WorkerReport) => {
      this.latest[message.event] = message;
      this.wake();
    });
    this.exited = new Promise((resolve) =>
      this.child.on('exit', (code, signal) => {
        this.status = { code, signal, at: Date.now() };
        this.wake();
        resolve(this.status);
      }),
    );
  }

  get alive(): boolean {
    return this.status === undefined;
  }

  get exitStatus(): ExitStatus | undefined {
    return this.status;
  }

  /** The last `progress` or `done` count reported. */
  get count(): number {
    const done = this.latest.done;
    const progress = this.latest.progress;
    return Math.max(done?.event === 'done' ? done.count : 0, progress?.event === 'progress' ? progress.count : 0);
  }

  get done(): boolean {
    return this.latest.done !== undefined;
  }

  /** Resolves with the report once `event` has been seen; rejects if the process exits first or time runs out. */
  async until(event: WorkerReport['event'], timeoutMs: number): Promise<WorkerReport> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const found = this.latest[event];
      if (found) return found;
      if (this.status) throw new Error(`chaos ${this.role} exited (${describe(this.status)}) before reporting "${event}"`);
      if (Date.now() >= deadline) throw new Error(`chaos ${this.role} did not report "${event}" within ${timeoutMs} ms`);
      await this.nextChange(deadline - Date.now());
    }
  }

  /** SIGKILL: no shutdown hook, no flush, no ack. Resolves once the process is gone. */
  async kill(): Promise<void> {
    if (this.alive) this.child.kill('SIGKILL');
    await this.exited;
  }

  /** Asks the worker to stop gracefully (bounded), then kills it. */
  async stop(graceMs = 20_000): Promise<void> {
    if (!this.alive) return;
    this.child.send({ command: 'stop' }, () => undefined);
    const timer = setTimeout(() => this.child.kill('SIGKILL'), graceMs);
    await this.exited;
    clearTimeout(timer);
  }

  private nextChange(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const timer = setTimeout(resolve, Math.max(0, ms));
      this.waiters.push(() => {
        clearTimeout(timer);
        resolve();
      });
    });
  }

  private wake(): void {
    for (const wake of this.waiters.splice(0)) wake();
  }
}

export function describe(status: ExitStatus): string {
  return status.signal ? `signal ${status.signal}` : `code ${status.code}`;
}
