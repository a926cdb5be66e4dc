/**
 * What a watch prints per run — `eventplane generate --watch` and `npm run dev` alike: the
 * diagnostics as they are, then one summary line (or why the run failed) with the time and the
 * files whose change started it.
 */
import { formatDiagnostic, summarizeDiagnostics } from '../compiler/index.js';
import type { GenerateResult } from '../compiler/generate.js';
import { errorMessage } from '../compiler/load/source.js';
import { OutputConflictError } from '../compiler/output.js';
import type { WatchOptions } from '../compiler/watch.js';

export const seconds = (ms: number): string => `${(ms / 1000).toFixed(ms < 10_000 ? 2 : 1)} s`;

/** `generated 123 files in generated (2 written, 121 unchanged) in 0.41 s — 1 warning`. */
export function generateSummary(result: GenerateResult, outDir: string): string {
  const counts = summarizeDiagnostics(result.diagnostics);
  if (!result.files) return `${counts}; nothing written (${seconds(result.ms)})`;
  const w = result.written!;
  const changes = [`${w.written.length} written`, `${w.unchanged} unchanged`, ...(w.deleted.length ? [`${w.deleted.length} removed`] : [])];
  const problems = result.diagnostics.length > 0 ? ` — ${counts}` : '';
  return `generated ${result.files.size} files in ${outDir} (${changes.join(', ')}) in ${seconds(result.ms)}${problems}`;
}

type Outcome = Parameters<WatchOptions['onRun']>[0];

/** Writes one run's diagnostics to `err` and its summary line to `out` (or the failure to `err`). */
export function reportWatchRun(outcome: Outcome, changed: readonly string[], outDir: string, out: (line: string) => void, err: (line: string) => void): void {
  const time = new Date().toTimeString().slice(0, 8);
  const what = changed.length === 0 ? '' : ` (${changed.length === 1 ? changed[0] : `${changed.length} files`} changed)`;
  if (!outcome.result) {
    const message = outcome.error instanceof OutputConflictError ? `${outcome.error.message}; choose another --out` : errorMessage(outcome.error);
    err(`[${time}] generate failed: ${message}${what}`);
    return;
  }
  for (const d of outcome.result.diagnostics) err(formatDiagnostic(d));
  out(`[${time}] ${generateSummary(outcome.result, outDir)}${what}`);
}
