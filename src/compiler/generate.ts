/**
 * One `generate` run as a library call — contracts read and validated, files emitted, written
 * (or checked) — and the state that makes the next run incremental: the memo of per-message
 * results (in memory for a watch session, loaded from and saved to the cache directory for a
 * single run) and the files already parsed. With errors nothing is written.
 */
import { resolve } from 'node:path';
import { loadMemo, saveMemo } from './cache/memo-store.js';
import { MemoryMemo } from './cache/memo.js';
import { emitAll, loadContracts, type Diagnostic, type LoadPhase } from './index.js';
import { defaultCacheDir } from './load/parser-cache.js';
import type { ParsedFiles } from './load/sources.js';
import { writeOutput, type WriteResult } from './output.js';

export interface GenerateOptions {
  readonly specDir: string;
  readonly outDir: string;
  readonly cwd?: string;
  /** false: no cache on disk (a full run); default node_modules/.cache/eventplane. */
  readonly cacheDir?: string | false;
  readonly onProgress?: (phase: LoadPhase | 'emit', done: number, total: number) => void;
}

export interface GenerateResult {
  readonly diagnostics: readonly Diagnostic[];
  /** The files the contracts produce; absent when there are errors. */
  readonly files?: ReadonlyMap<string, string>;
  readonly written?: WriteResult;
  readonly ms: number;
}

/** Runs generate repeatedly, each run reusing what the last ones computed. */
export class GenerateSession {
  private readonly memo = new MemoryMemo();
  private readonly parsed: ParsedFiles = new Map();
  /** The output as this session last wrote it, so the next run reads back only what changed. */
  private written: ReadonlyMap<string, string> | undefined;
  private loaded = false;

  constructor(private readonly options: GenerateOptions) {}

  private get cacheDir(): string | undefined {
    const { cacheDir, cwd = process.cwd() } = this.options;
    return cacheDir === false ? undefined : (cacheDir ?? defaultCacheDir(resolve(cwd)));
  }

  /** Reads, validates and emits; writes unless `write` is false. */
  async run(write = true): Promise<GenerateResult> {
    const started = performance.now();
    const { specDir, outDir, cwd = process.cwd(), onProgress } = this.options;
    const cacheDir = this.cacheDir;
    if (!this.loaded && cacheDir) await loadMemo(cacheDir, this.memo);
    this.loaded = true;
    this.memo.beginRun();
    const result = await loadContracts(specDir, {
      cwd,
      preloadEmitters: true,
      cacheDir: cacheDir ?? false,
      memo: this.memo,
      parsed: this.parsed,
      ...(onProgress ? { onProgress } : {}),
    });
    if (!result.model) return { diagnostics: result.diagnostics, ms: performance.now() - started };
    const files = await emitAll(result.model, { memo: this.memo });
    onProgress?.('emit', 1, 1);
    const written = write ? await writeOutput(resolve(cwd, outDir), files, this.written ? { known: this.written } : {}) : undefined;
    if (written) this.written = files;
    // Entries this run did not use belong to contracts that no longer exist.
    this.memo.prune();
    return { diagnostics: result.diagnostics, files, ...(written ? { written } : {}), ms: performance.now() - started };
  }

  /** Saves the memo to the cache directory (a no-op without one, or when nothing changed). */
  async save(): Promise<void> {
    const cacheDir = this.cacheDir;
    if (cacheDir) await saveMemo(cacheDir, this.memo);
  }
}
