/**
 * Runs ./durable-process.ts as a real child process (tsx, IPC for its reports) so tests can kill
 * it with SIGKILL at a precise moment.
 */
import { fork } from 'node:child_process';
import { fileURLToPath } from 'node:url';

export interface ProcessReport {
  readonly event: 'ready' | 'committed' | 'publishing';
  readonly ids?: string[];
  readonly id?: string;
}

export function spawnDurableProcess(env: Record<string, string>) {
  const script = fileURLToPath(new URL('./durable-process.ts', import.meta.url));
  const child = fork(script, [], {
    execArgv: ['--import', 'tsx'],
    env: { ...process.env, ...env },
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  const reports: ProcessReport[] = [];
  const waiters: Array<() => void> = [];
  child.on('message', (message: ProcessReport) => {
    reports.push(message);
    for (const wake of waiters.splice(0)) wake();
  });
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => child.on('exit', (code, signal) => resolve({ code, signal })));
  let gone = false;
  void exited.then(() => {
    gone = true;
    for (const wake of waiters.splice(0)) wake();
  });

  /**
   * The first report of `event` (bounded wait; fails at once if the child dies first). Generous:
   * a child opening PGlite on a busy shared machine can take a minute; this bounds a wait, not a speed.
   */
  async function report(event: ProcessReport['event'], timeoutMs = 240_000): Promise<ProcessReport> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const found = reports.find((r) => r.event === event);
      if (found) return found;
      if (gone) throw new Error(`the child process exited before reporting "${event}"`);
      if (Date.now() > deadline) throw new Error(`the child process did not report "${event}" within ${timeoutMs} ms`);
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, Math.max(0, deadline - Date.now()));
        waiters.push(() => {
          clearTimeout(timer);
          resolve();
        });
      });
    }
  }

  /** SIGKILL: no shutdown hook, no flush, no ack — a crash. Resolves once the process is gone. */
  async function crash(): Promise<void> {
    if (!gone) child.kill('SIGKILL');
    const status = await exited;
    if (status.signal !== 'SIGKILL' && status.code !== null) throw new Error(`the child exited by itself (code ${status.code}) before the crash`);
  }

  return { child, report, crash, exited };
}
