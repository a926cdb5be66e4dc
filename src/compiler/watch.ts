/**
 * `generate --watch`: a GenerateSession run again whenever a file under the spec directory
 * changes. Changes that arrive while a run is under way are gathered into one more run after
 * it (an editor's save is often several events). A run with errors writes nothing, so a
 * document saved half-edited leaves the last good output in place; the next save is tried
 * afresh.
 */
import { watch as watchFiles, type FSWatcher } from 'node:fs';
import { resolve } from 'node:path';
import { GenerateSession, type GenerateOptions, type GenerateResult } from './generate.js';

export interface WatchOptions extends GenerateOptions {
  /** Quiet time after the last change before a run starts (default 30 ms). */
  readonly settleMs?: number;
  /** Called after every run, with its result or what it threw. */
  readonly onRun: (outcome: { result: GenerateResult; error?: undefined } | { error: unknown; result?: undefined }, changed: readonly string[]) => void;
}

export interface Watcher {
  /** Resolves when the first run has finished. */
  readonly ready: Promise<void>;
  close(): Promise<void>;
}

export function watchContracts(options: WatchOptions): Watcher {
  const session = new GenerateSession(options);
  const cwd = options.cwd ?? process.cwd();
  const settleMs = options.settleMs ?? 30;
  let changed = new Set<string>();
  let timer: NodeJS.Timeout | undefined;
  let running: Promise<void> | undefined;
  let again = false;
  let closed = false;
  let first = true;

  const runOnce = async () => {
    const files = [...changed].sort();
    changed = new Set();
    try {
      const result = await session.run();
      options.onRun({ result }, files);
      // The first run's per-message results are worth keeping for the next single `generate`.
      if (first && result.files) await session.save();
    } catch (error) {
      options.onRun({ error }, files);
    }
    first = false;
  };
  const schedule = () => {
    if (closed) return;
    if (running) {
      again = true;
      return;
    }
    running = (async () => {
      do {
        again = false;
        await runOnce();
      } while (again && !closed);
    })().finally(() => (running = undefined));
  };

  let watcher: FSWatcher | undefined;
  try {
    watcher = watchFiles(resolve(cwd, options.specDir), { recursive: true }, (_event, file) => {
      if (file) changed.add(String(file));
      clearTimeout(timer);
      timer = setTimeout(schedule, settleMs);
    });
  } catch (error) {
    return { ready: Promise.reject(error), close: async () => {} };
  }
  schedule();
  const ready = running!;
  return {
    ready,
    async close() {
      closed = true;
      clearTimeout(timer);
      watcher?.close();
      await running;
      await session.save();
    },
  };
}
