/**
 * Validates each service document with @asyncapi/parser (AsyncAPI 3.0 schema, bindings,
 * references) and turns its diagnostics into ours. The parser reads referenced files through
 * the same in-memory snapshot the compiler uses, and never the network.
 *
 * Left alone, the parser spends most of its time compiling the AsyncAPI JSON Schema once per
 * document; share-spectral-ajv.js makes that once per thread. With several documents and idle
 * cores the documents are validated on worker threads.
 */
import { availableParallelism, loadavg } from 'node:os';
import { relative } from 'node:path';
import { Worker } from 'node:worker_threads';
import type { DiagnosticSink, Position } from '../diagnostics.js';
import type { ParserCache } from './parser-cache.js';
import { isRemote, type SourceSet } from './sources.js';
import { errorMessage, type SourceFile } from './source.js';
import { shareSpectralAjv } from './share-spectral-ajv.js';

export interface ParserDiagnostic {
  readonly code?: string | number;
  readonly message: string;
  readonly path: readonly (string | number)[];
  readonly severity: number;
  readonly source?: string;
  readonly range: { readonly start: { readonly line: number; readonly character: number } };
}

type Outcome = { readonly diagnostics: readonly ParserDiagnostic[] } | { readonly error: string };

/** Spectral severities: 0 error, 1 warning, 2 information, 3 hint (not shown). */
const SEVERITY = ['error', 'warning'] as const;

/** Below this many documents, starting workers costs more than it saves. */
const MIN_DOCUMENTS_PER_WORKER = 3;

/**
 * Worker threads only pay off on idle cores: on a machine already busy they add contention
 * and per-thread start-up (measured: 1.2× the CPU for no gain in wall time). So: the cores
 * the load average leaves idle, at least one.
 */
export function defaultThreads(documents: number): number {
  const idle = Math.round(availableParallelism() - loadavg()[0]!);
  return Math.max(1, Math.min(idle, 8, Math.floor(documents / MIN_DOCUMENTS_PER_WORKER)));
}

export interface ValidateOptions {
  /** Parser threads; 1 validates in this thread (default: by cores and documents to parse). */
  readonly threads?: number;
  readonly cache?: ParserCache;
  /** Called as documents are done (cached ones first). */
  readonly onDone?: (done: number) => void;
  /** Called once parsing is under way: on worker threads (true, they have their documents) or here. */
  readonly onStarted?: (onWorkers: boolean) => void;
}

/** Validates `docs` and reports into `sink`. */
export async function validateDocuments(docs: readonly SourceFile[], sources: SourceSet, cwd: string, sink: DiagnosticSink, options: ValidateOptions = {}): Promise<void> {
  const { cache, onDone = () => {}, onStarted = () => {} } = options;
  const outcomes: (Outcome | undefined)[] = new Array(docs.length);
  if (cache) {
    await Promise.all(
      docs.map(async (doc, i) => {
        const hit = await cache.lookup(doc, sources);
        if (isOutcome(hit)) outcomes[i] = hit;
      }),
    );
  }
  const todo = docs.flatMap((doc, i) => (outcomes[i] === undefined ? [{ doc, i }] : []));
  let done = docs.length - todo.length;
  if (done > 0) onDone(done);
  const progress = () => onDone(++done);
  const threads = options.threads ?? defaultThreads(todo.length);
  const pending = todo.map((t) => t.doc);
  let parsed: Outcome[];
  if (threads > 1 && pending.length > 1) {
    // A worker that dies (out of memory on a huge document, say) costs time, not the run.
    parsed = await onWorkers(pending, sources, threads, progress, () => onStarted(true)).catch(() => inProcess(pending, sources, () => {}));
  } else {
    onStarted(false);
    // Nothing to parse (all cached): not even the parser's module is loaded.
    parsed = pending.length > 0 ? await inProcess(pending, sources, progress) : [];
  }
  await Promise.all(
    todo.map(async ({ i }, j) => {
      const outcome = parsed[j]!;
      outcomes[i] = outcome;
      if (cache && 'diagnostics' in outcome) {
        const doc = docs[i]!;
        await cache.store(doc, sources, outcome, outcome.diagnostics.some((d) => d.source !== undefined && d.source !== doc.absPath));
      }
    }),
  );
  docs.forEach((doc, i) => report(doc, outcomes[i]!, sources, cwd, sink));
}

function isOutcome(value: unknown): value is Outcome {
  return typeof value === 'object' && value !== null && Array.isArray((value as { diagnostics?: unknown }).diagnostics);
}

async function inProcess(docs: readonly SourceFile[], sources: SourceSet, onDone: (done: number) => void): Promise<Outcome[]> {
  shareSpectralAjv();
  const { Parser } = await import('@asyncapi/parser');
  const fromSnapshot = {
    schema: 'file',
    order: 1,
    read: async (uri: { href(): string }) => {
      const file = sources.get(uri.href());
      if (file) return file.text;
      throw new Error(`ENOENT: no such file or directory, open '${uri.href()}'`);
    },
  };
  // The parser tries its own readers when ours throw, so remote references get an empty
  // document instead of a network request; the compiler reports the remote reference itself.
  const offline = (schema: string) => ({ schema, order: 1, read: async (uri: { href(): string }) => sources.get(uri.href())?.text ?? '{}' });
  const outcomes: Outcome[] = [];
  for (const doc of docs) {
    // A parser per document: one reused across documents keeps resolved files in its cache and
    // then reports false "does not exist" errors for local $refs inside files several
    // documents reach (a recursive schema in a library). Without the cache, references that
    // cycle through several files are resolved over and over, which is far slower.
    const parser = new Parser({ __unstable: { resolver: { resolvers: [fromSnapshot, offline('http'), offline('https')] as never } } });
    try {
      const diagnostics = (await parser.validate(doc.text, { source: doc.absPath })) as unknown as ParserDiagnostic[];
      outcomes.push({ diagnostics });
    } catch (error) {
      outcomes.push({ error: errorMessage(error) });
    }
    onDone(outcomes.length);
  }
  return outcomes;
}

async function onWorkers(
  docs: readonly SourceFile[],
  sources: SourceSet,
  threads: number,
  onDone: (done: number) => void,
  onStarted: () => void,
): Promise<Outcome[]> {
  const files = sources.all().map((s) => [s.absPath, s.text] as const);
  const outcomes: Outcome[] = new Array(docs.length);
  let next = 0;
  let done = 0;
  const workers = Array.from({ length: Math.min(threads, docs.length) }, () => new Worker(new URL('./parser-worker.js', import.meta.url), { workerData: { files } }));
  try {
    const all = Promise.all(
      workers.map(
        (worker) =>
          new Promise<void>((resolve, reject) => {
            let inFlight = 0;
            const send = () => {
              if (next < docs.length) {
                const id = next++;
                inFlight++;
                worker.postMessage({ id, absPath: docs[id]!.absPath });
              } else if (inFlight === 0) resolve();
            };
            worker.on('message', (message: { id: number } & Outcome) => {
              inFlight--;
              outcomes[message.id] = 'error' in message ? { error: message.error } : { diagnostics: message.diagnostics };
              onDone(++done);
              send();
            });
            worker.once('error', reject);
            worker.once('exit', (code) => (inFlight > 0 || next < docs.length ? reject(new Error(`parser worker exited with code ${code}`)) : resolve()));
            send();
          }),
      ),
    );
    onStarted();
    await all;
  } finally {
    await Promise.all(workers.map((w) => w.terminate()));
  }
  return outcomes;
}

function report(doc: SourceFile, outcome: Outcome, sources: SourceSet, cwd: string, sink: DiagnosticSink): void {
  if ('error' in outcome) {
    sink.error({ file: doc.file, line: 1, column: 1 }, `the AsyncAPI parser failed: ${outcome.error}`, 'asyncapi-parser');
    return;
  }
  let unresolved = false;
  const diagnostics = outcome.diagnostics;
  for (const d of diagnostics) {
    if (isVagueCombinatorError(d, diagnostics)) continue;
    // The parser read an unfetchable remote file as empty; the compiler names the URL instead.
    if (COMBINATOR.test(d.message) && sources.reachesUnfetched(doc.absPath)) continue;
    const severity = SEVERITY[d.severity];
    if (!severity) continue;
    const rule = String(d.code ?? 'asyncapi-parser');
    // Syntax errors come from our own YAML reading, with better positions.
    if (rule === 'parser' && doc.broken) continue;
    // Problems inside a remote document, or caused by one that could not be fetched (the parser
    // sees it as empty), are the compiler's one line per URL (sources.ts), not the parser's.
    if (d.source !== undefined && isRemote(d.source)) continue;
    if (rule === 'invalid-ref') unresolved = true;
    if (rule === 'uncaught-error') {
      // The parser crashing (on a property named hasOwnProperty, say) is no fault of the document:
      // its schema checks are lost, the compiler's own checks and the output are not.
      sink.warning(
        locate(d, doc, sources, cwd),
        `the AsyncAPI parser failed on this document, so its schema checks were skipped: ${withoutStack(d.message).replace(/^Error thrown during AsyncAPI document validation\. /, '')}`,
        'asyncapi-parser',
      );
      continue;
    }
    sink.add({ ...locate(d, doc, sources, cwd), severity, message: withoutStack(d.message), rule });
  }
  if (unresolved) {
    sink.warning(
      { file: doc.file, line: 1, column: 1 },
      'the AsyncAPI parser skipped later validation stages because a $ref could not be resolved; fix it and run again to see the rest',
      'asyncapi-parser',
    );
  }
}

/**
 * The parser reports its own crashes on odd input ("Error thrown during AsyncAPI document
 * validation. Name: TypeError, message: …, stack: …") as a diagnostic; the user gets the message,
 * not the parser's stack.
 */
function withoutStack(message: string): string {
  return message.replace(/,? stack: [\s\S]*$/, '').replace(/\n\s+at [\s\S]*$/, '');
}

const COMBINATOR = /must match "(then|else)" schema|must not be valid|must match exactly one schema in oneOf|must match a schema in anyOf/;

/**
 * "amqp property must match "then" schema" says only that something below failed; when the
 * parser also says what (a diagnostic deeper in the same object), the vague one is dropped.
 */
function isVagueCombinatorError(d: ParserDiagnostic, all: readonly ParserDiagnostic[]): boolean {
  if (!COMBINATOR.test(d.message)) return false;
  return all.some((o) => o !== d && o.path.length > d.path.length && d.path.every((segment, i) => String(o.path[i]) === String(segment)));
}

function locate(d: ParserDiagnostic, doc: SourceFile, sources: SourceSet, cwd: string): Position {
  const source = d.source ? sources.get(d.source) : doc;
  const file = source?.file ?? (d.source ? relative(cwd, d.source) : doc.file);
  const { line, character } = d.range.start;
  // The parser puts problems it cannot place (often in referenced files) at 0:0. A converted 2.x
  // document was parsed as its 3.0 text: its path leads back to the original file's line.
  if (source && d.path.length > 0 && ((line === 0 && character === 0) || source.convertedFrom !== undefined)) return source.locate(d.path);
  // Spectral reports some problems of resolved documents at character -1.
  return { file, line: Math.max(1, line + 1), column: Math.max(1, character + 1) };
}
