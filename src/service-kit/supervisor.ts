/**
 * Runs a service as a child process, the way `npm start`, `npm run bench:stack` and the
 * end-to-end tests do: plain `node` on a compiled entry (`dist/…/main.js`), `node --import tsx`
 * on a TypeScript one (the dev loop). Its output goes line by line to a callback, "ready" comes
 * when the service says so over IPC (after its HTTP server listens), a graceful stop (SIGTERM,
 * then SIGKILL after a bound) and a hard kill for crash tests. Only the processes it started
 * are ever signalled.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { createInterface } from 'node:readline';

export interface ServiceProcessOptions {
  readonly id: string;
  readonly main: string;
  readonly env: Readonly<Record<string, string>>;
  readonly cwd?: string;
  readonly onLine?: (line: string, stream: 'stdout' | 'stderr') => void;
  /** How long start() waits for "ready" (default 90 s: a cold PGlite or tsx takes a while on a busy machine). */
  readonly startTimeoutMs?: number;
}

export interface Exit {
  readonly code: number | null;
  readonly signal: NodeJS.Signals | null;
}

export class ServiceStartError extends Error {
  override readonly name = 'ServiceStartError';
}

export class ServiceProcess {
  private child: ChildProcess | undefined;
  private exit: Promise<Exit> | undefined;
  private readonly recent: string[] = [];
  url: string | undefined;

  constructor(readonly options: ServiceProcessOptions) {}

  get id(): string {
    return this.options.id;
  }

  get pid(): number | undefined {
    return this.child?.pid;
  }

  get running(): boolean {
    return this.child !== undefined && this.child.exitCode === null && this.child.signalCode === null;
  }

  /** Spawns the process and resolves with its URL once it is ready; rejects (with its last output) if it exits first. */
  start(): Promise<string> {
    if (this.running) throw new Error(`${this.id} is running already`);
    this.recent.length = 0;
    const child = spawn(process.execPath, [...(this.options.main.endsWith('.ts') ? ['--import', 'tsx'] : []), this.options.main], {
      cwd: this.options.cwd ?? process.cwd(),
      env: { ...process.env, ...this.options.env },
      stdio: ['ignore', 'pipe', 'pipe', 'ipc'],
      // Its own process group: Ctrl-C in a terminal reaches the supervisor only, which then stops
      // each service once, gracefully. Should the supervisor die, the IPC channel closes and the
      // service shuts itself down (see run.ts).
      detached: true,
    });
    this.child = child;
    this.exit = new Promise<Exit>((resolve) => child.once('exit', (code, signal) => resolve({ code, signal })));
    for (const [stream, name] of [
      [child.stdout!, 'stdout'],
      [child.stderr!, 'stderr'],
    ] as const) {
      createInterface({ input: stream }).on('line', (line) => {
        this.recent.push(line);
        if (this.recent.length > 40) this.recent.shift();
        this.options.onLine?.(line, name);
      });
    }
    const timeoutMs = this.options.startTimeoutMs ?? 90_000;
    return new Promise<string>((resolve, reject) => {
      const timer = setTimeout(() => {
        reject(new ServiceStartError(`${this.id} was not ready within ${timeoutMs} ms\n${this.tail()}`));
      }, timeoutMs);
      child.on('message', (message: { event?: string; url?: string }) => {
        if (message?.event !== 'ready' || !message.url) return;
        clearTimeout(timer);
        this.url = message.url;
        resolve(message.url);
      });
      void this.exit!.then((exit) => {
        clearTimeout(timer);
        reject(new ServiceStartError(`${this.id} exited during start-up (${exit.signal ?? `code ${exit.code}`})\n${this.tail()}`));
      });
    });
  }

  /** SIGTERM and wait; SIGKILL if it has not exited within `timeoutMs`. */
  async stop(timeoutMs = 30_000): Promise<Exit | undefined> {
    const child = this.child;
    if (!child || !this.exit || !this.running) return this.exit ? await this.exit : undefined;
    child.kill('SIGTERM');
    let timer: NodeJS.Timeout | undefined;
    const killed = new Promise<void>((resolve) => {
      timer = setTimeout(() => {
        if (this.running) child.kill('SIGKILL');
        resolve();
      }, timeoutMs);
    });
    await Promise.race([this.exit, killed]);
    clearTimeout(timer);
    return this.exit;
  }

  /** SIGKILL: the crash, with no chance to ack, flush or close anything. */
  async kill(): Promise<Exit | undefined> {
    if (!this.child || !this.exit) return undefined;
    if (this.running) this.child.kill('SIGKILL');
    return this.exit;
  }

  /** Resolves when the process exits (for processes expected to die on their own). */
  exited(): Promise<Exit> {
    if (!this.exit) throw new Error(`${this.id} was never started`);
    return this.exit;
  }

  /** The last lines it printed, for error messages. */
  tail(lines = 20): string {
    return this.recent.slice(-lines).map((line) => `  | ${line}`).join('\n');
  }
}
