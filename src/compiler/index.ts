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
import { loadProjectConfig } from './config/load-config.js';
import { convertV2, isConvertible } from './load/convert-v2.js';
import { isRecord } from './load/pointer.js';
import type { ContractModel } from './model.js';

export type { ContractModel } from './model.js';
export type { Diagnostic } from './diagnostics.js';
export { formatDiagnostic, summarizeDiagnostics } from './diagnostics.js';

export interface LoadResult {
  /** Present when there are no errors (warnings allowed). */
  readonly model?: ContractModel;
  readonly diagnostics: readonly Diagnostic[];
  /** The service documents read, with the AsyncAPI version each says (and what it was converted to). */
  readonly documents?: readonly DocumentVersion[];
  /** The project configuration that set the house rules' levels (no file: `recommended`). */
  readonly config?: { readonly file?: string; readonly extends: readonly string[] };
}

export interface DocumentVersion {
  readonly file: string;
  /** As written in the document (`2.6.0`, `3.1.0`); undefined when it says none. */
  readonly version?: string;
  /** Set when the document was converted in memory (2.x → 3.0.0). */
  readonly convertedTo?: string;
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
  const configSink = new DiagnosticSink();
  const project = await loadProjectConfig(resolve(cwd, specDir), cwd, configSink);
  const config = { ...(project.file !== undefined ? { file: project.file } : {}), extends: project.extends };
  const sink = new DiagnosticSink(project.levels);
  for (const d of configSink.sorted()) sink.add(d);
  if (sink.errors > 0) return { diagnostics: sink.sorted(), config };
  const services = await discoverServices(resolve(cwd, specDir), cwd, sink);
  if (!services || services.length === 0) return { diagnostics: sink.sorted(), config };

  const sources = new SourceSet(sink, cwd, options.parsed);
  const versions: DocumentVersion[] = [];
  for (const [i, service] of services.entries()) {
    const source = await sources.load(service.absPath);
    if (!source) {
      sink.error({ file: relative(cwd, service.absPath), line: 1, column: 1 }, 'cannot read the document', 'ep-layout');
    } else {
      versions.push(readVersion(source, sources, sink));
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
    return diagnostics.some((d) => d.severity === 'error') ? { diagnostics, documents: versions, config } : { model, diagnostics, documents: versions, config };
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
  return diagnostics.some((d) => d.severity === 'error') ? { diagnostics, documents: versions, config } : { model, diagnostics, documents: versions, config };
}

/** The document's AsyncAPI version; a 2.x document is converted to 3.0 in place. */
function readVersion(source: SourceFile, sources: SourceSet, sink: DiagnosticSink): DocumentVersion {
  const written = isRecord(source.value) && typeof source.value.asyncapi === 'string' ? source.value.asyncapi : undefined;
  if (source.broken || !isConvertible(source)) return { file: source.file, ...(written !== undefined ? { version: written } : {}) };
  const result = convertV2(source);
  if ('error' in result) {
    sink.error(source.locate(['asyncapi']), `cannot convert this AsyncAPI ${written} document to 3.0: ${result.error}`, 'ep-asyncapi');
    return { file: source.file, version: written! };
  }
  sources.replace(result.source);
  for (const warning of result.warnings) sink.warning(source.locate(['asyncapi']), `converting to 3.0: ${warning.replace(/\s+/g, ' ').trim()}`, 'ep-convert');
  return { file: source.file, version: written!, convertedTo: '3.0.0' };
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
