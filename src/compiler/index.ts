/**
 * The compiler's public API: contracts in, diagnostics and the contract model out; the model
 * in, generated files out.
 */
import { relative, resolve } from 'node:path';
import { DiagnosticSink, type Diagnostic } from './diagnostics.js';
import { validateDocuments } from './load/asyncapi-parser.js';
import { defaultCacheDir, openParserCache } from './load/parser-cache.js';
import { discoverServices } from './load/discover.js';
import { SourceSet, type ParsedFiles } from './load/sources.js';
import type { Memo } from './cache/memo.js';
import type { SourceFile } from './load/source.js';
import { buildModel } from './model/build.js';
import type { ContractModel } from './model.js';

export type { ContractModel } from './model.js';
export type { Diagnostic } from './diagnostics.js';
export { formatDiagnostic, summarizeDiagnostics } from './diagnostics.js';

export interface LoadResult {
  /** Present when there are no errors (warnings allowed). */
  readonly model?: ContractModel;
  readonly diagnostics: readonly Diagnostic[];
}

export type LoadPhase = 'read' | 'parse' | 'model';

export interface LoadOptions {
  /** Diagnostics and the model's file names are relative to it (default: process.cwd()). */
  readonly cwd?: string;
  /** Called as work advances: `done` of `total` units of `phase`. */
  readonly onProgress?: (phase: LoadPhase, done: number, total: number) => void;
  /** Threads validating documents with @asyncapi/parser (default: by cores and document count). */
  readonly threads?: number;
  /** Load the emitters while the documents are parsed (for a caller about to call emitAll). */
  readonly preloadEmitters?: boolean;
  /**
   * Where to keep the parser's diagnostics per document content (see load/parser-cache.ts):
   * default `node_modules/.cache/eventplane` of the nearest directory with node_modules, false for none.
   */
  readonly cacheDir?: string | false;
  /**
   * Validate each document with @asyncapi/parser and every example against its schema (default
   * true). False keeps the compiler's own reading checks (YAML, $ref, the platform rules) and
   * skips both passes, which dominate load time: for readers such as the catalog that render
   * contracts `generate` and CI have already validated.
   */
  readonly validate?: boolean;
  /** Remembers expensive steps by content across runs (see cache/memo.ts): a watch session's, or one loaded from the cache directory. */
  readonly memo?: Memo;
  /** Files parsed by an earlier run of this process; unchanged ones are not parsed again. */
  readonly parsed?: ParsedFiles;
}

/**
 * Parses and validates every AsyncAPI document under `specDir` (asyncapi/<system>/<service>.yaml)
 * and builds the contract model.
 */
export async function loadContracts(specDir: string, options: LoadOptions = {}): Promise<LoadResult> {
  const cwd = options.cwd ?? process.cwd();
  const progress = options.onProgress ?? (() => {});
  const sink = new DiagnosticSink();
  const services = await discoverServices(resolve(cwd, specDir), cwd, sink);
  if (!services || services.length === 0) return { diagnostics: sink.sorted() };

  const sources = new SourceSet(sink, cwd, options.parsed);
  for (const [i, service] of services.entries()) {
    if (!(await sources.load(service.absPath))) {
      sink.error({ file: relative(cwd, service.absPath), line: 1, column: 1 }, 'cannot read the document', 'ep-layout');
    }
    progress('read', i + 1, services.length);
  }
  await sources.loadReferenced();

  const documents = services.map((s) => sources.get(s.absPath)).filter((s): s is SourceFile => s !== undefined && !s.broken);
  const cacheDir = options.cacheDir === false ? undefined : (options.cacheDir ?? defaultCacheDir(cwd));
  let started!: (onWorkers: boolean) => void;
  const parsingStarted = new Promise<boolean>((resolve) => (started = resolve));
  if (options.validate === false) {
    const model = buildModel({ specDir, services, sources, sink, checkExamples: false });
    progress('model', 1, 1);
    const diagnostics = sink.sorted();
    return diagnostics.some((d) => d.severity === 'error') ? { diagnostics } : { model, diagnostics };
  }
  const parsing = validateDocuments(documents, sources, cwd, sink, {
    ...(options.threads !== undefined ? { threads: options.threads } : {}),
    ...(cacheDir !== undefined ? { cache: openParserCache(cacheDir) } : {}),
    onDone: (done) => progress('parse', done, documents.length),
    onStarted: started,
  });
  // The model is built from the compiler's own reading of the files, so while worker threads
  // parse, this thread builds it (and loads the emitters) — but only once the workers have
  // their documents: work here earlier would delay what they wait for. Parsing on this thread,
  // the model waits, so the two never hold memory at once.
  const onWorkers = await Promise.race([parsingStarted, parsing.then(() => false)]);
  if (!onWorkers) await parsing;
  if (options.preloadEmitters) void preloadEmitters();
  const model = buildModel({ specDir, services, sources, sink, ...(options.memo ? { memo: options.memo } : {}) });
  await parsing;
  progress('model', 1, 1);
  const diagnostics = withoutDuplicateRefErrors(sink.sorted());
  return diagnostics.some((d) => d.severity === 'error') ? { diagnostics } : { model, diagnostics };
}

/** A broken `$ref` is reported by the parser and by the compiler's own resolver: keep the parser's. */
function withoutDuplicateRefErrors(diagnostics: Diagnostic[]): Diagnostic[] {
  const parserRefs = new Set(diagnostics.filter((d) => d.rule === 'invalid-ref').map((d) => `${d.file}:${d.line}`));
  return diagnostics.filter((d) => d.rule !== 'ep-ref' || !parserRefs.has(`${d.file}:${d.line}`));
}

let emitters: Promise<typeof import('./emit/index.js')> | undefined;

/**
 * Starts loading the emitters. Modelina takes about a second of CPU to load (it brings every
 * input format along); a caller that will emit can overlap that with parsing.
 */
export function preloadEmitters(): Promise<unknown> {
  if (!emitters) {
    emitters = import('./emit/index.js');
    emitters.catch(() => {}); // a caller that never emits must not see an unhandled rejection
  }
  return emitters;
}

/** Every generated file (path relative to the output directory → content), pure. */
export async function emitAll(model: ContractModel, options: { readonly memo?: Memo } = {}): Promise<Map<string, string>> {
  preloadEmitters();
  return (await emitters!).emitFiles(model, options);
}
