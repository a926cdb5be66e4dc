/**
 * `eventplane catalog` as a library call: load the contracts, derive the topology with the
 * compiler's own emitter, read the spec history, render, write. Each step is timed so the
 * command can show progress and the benchmark can report where the time goes.
 */
import { buildTopology } from '../compiler/emit/topology.js';
import { loadContracts, type ContractModel, type Diagnostic } from '../compiler/index.js';
import type { TopologyDocument } from '../topology/types.js';
import { messageHistories } from './message-history.js';
import { renderCatalog } from './render.js';
import { readSpecRevisions } from './spec-history.js';
import { checkOutputDirectory, writeSite } from './write-site.js';

export interface BuildCatalogOptions {
  readonly specDir: string;
  readonly outDir: string;
  /** Read the git history of the specs (default true). */
  readonly history?: boolean;
  /** Also run @asyncapi/parser's schema validation (default false: `generate` and CI gate that). */
  readonly validate?: boolean;
  readonly onProgress?: (line: string) => void;
}

export interface BuildTimings {
  readonly loadMs: number;
  readonly historyMs: number;
  readonly renderMs: number;
  readonly writeMs: number;
  readonly totalMs: number;
}

export type BuildCatalogResult =
  | { readonly ok: false; readonly diagnostics: readonly Diagnostic[] }
  | {
      readonly ok: true;
      readonly diagnostics: readonly Diagnostic[];
      readonly files: number;
      readonly bytes: number;
      readonly systems: number;
      readonly services: number;
      readonly events: number;
      readonly timings: BuildTimings;
    };

export interface WriteCatalogOptions {
  readonly outDir: string;
  readonly history?: boolean;
  readonly topology?: TopologyDocument;
  readonly onProgress?: (line: string) => void;
}

/** Renders and writes the catalog of an already loaded model. */
export async function writeCatalog(model: ContractModel, options: WriteCatalogOptions) {
  const progress = options.onProgress ?? (() => {});
  const messages = model.systems.flatMap((s) => s.messages);
  const t0 = performance.now();
  let history;
  if (options.history !== false) {
    const files = [...new Set(messages.map((m) => m.location.file))];
    history = messageHistories(messages, await readSpecRevisions(model.specDir, files));
  }
  const t1 = performance.now();
  if (options.history !== false) progress(`read the history of ${messages.length} events in ${Math.round(t1 - t0)} ms`);
  const topology = options.topology ?? buildTopology(model);
  const files = renderCatalog({ model, topology, ...(history ? { history } : {}) });
  const t2 = performance.now();
  progress(`rendered ${files.size} pages in ${Math.round(t2 - t1)} ms`);
  const written = await writeSite(options.outDir, files);
  const t3 = performance.now();
  progress(`wrote ${written.files} files (${(written.bytes / 1024 / 1024).toFixed(1)} MiB) to ${options.outDir} in ${Math.round(t3 - t2)} ms`);
  return { ...written, historyMs: t1 - t0, renderMs: t2 - t1, writeMs: t3 - t2 };
}

export async function buildCatalog(options: BuildCatalogOptions): Promise<BuildCatalogResult> {
  const progress = options.onProgress ?? (() => {});
  const start = performance.now();
  await checkOutputDirectory(options.outDir);
  const loaded = await loadContracts(options.specDir, { validate: options.validate ?? false });
  const loadMs = performance.now() - start;
  if (!loaded.model) return { ok: false, diagnostics: loaded.diagnostics };
  const model = loaded.model;
  const services = model.systems.reduce((n, s) => n + s.services.length, 0);
  const events = model.systems.reduce((n, s) => n + s.messages.length, 0);
  progress(`loaded ${model.systems.length} systems, ${services} services, ${events} events from ${options.specDir} in ${Math.round(loadMs)} ms`);
  const w = await writeCatalog(model, {
    outDir: options.outDir,
    ...(options.history === undefined ? {} : { history: options.history }),
    onProgress: progress,
  });
  return {
    ok: true,
    diagnostics: loaded.diagnostics,
    files: w.files,
    bytes: w.bytes,
    systems: model.systems.length,
    services,
    events,
    timings: { loadMs, historyMs: w.historyMs, renderMs: w.renderMs, writeMs: w.writeMs, totalMs: performance.now() - start },
  };
}
