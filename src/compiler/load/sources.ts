/**
 * Every file the contracts reach (the spec directory plus whatever their `$ref`s point at),
 * read once, and `$ref` resolution across them. Everything after loading is pure: the parser
 * is handed these same texts, so all stages see one snapshot of the files.
 */
import { readFile } from 'node:fs/promises';
import { dirname, relative, resolve as resolvePath } from 'node:path';
import { DiagnosticSink, type Diagnostic, type Position } from '../diagnostics.js';
import { formatPointer, isRecord, parsePointer, refOf, type PathSegment } from './pointer.js';
import { errorMessage, parseSource, type SourceFile } from './source.js';

/** A node reached in some file: where it is and what it holds. */
export interface Located {
  readonly source: SourceFile;
  readonly path: readonly PathSegment[];
  readonly value: unknown;
}

/** Parsed files by absolute path, with what their parsing reported; kept across runs by a watch session. */
export type ParsedFiles = Map<string, { readonly source: SourceFile; readonly diagnostics: readonly Diagnostic[] }>;

export class SourceSet {
  private readonly files = new Map<string, SourceFile>();
  /** Files a `$ref` named that could not be read, with the reason. */
  private readonly unreadable = new Map<string, string>();
  /** The files each file's `$ref`s name directly. */
  private readonly references = new Map<string, Set<string>>();

  constructor(
    private readonly sink: DiagnosticSink,
    private readonly cwd: string,
    /** Files read by an earlier run of the same process (a watch session): unchanged texts are not parsed again. */
    private readonly parsed?: ParsedFiles,
  ) {}

  get(absPath: string): SourceFile | undefined {
    return this.files.get(absPath);
  }

  all(): SourceFile[] {
    return [...this.files.values()];
  }

  /** True when `absPath` reaches a remote file that could not be fetched. */
  reachesUnfetched(absPath: string): boolean {
    return this.closure(absPath).some((file) => isRemote(file) && this.unreadable.has(file));
  }

  /** Puts `source` in place of the file read from its path (a 2.x document converted to 3.0). */
  replace(source: SourceFile): void {
    this.files.set(source.absPath, source);
  }

  /** Reads and parses a file, or fetches a remote one (once). */
  async load(absPath: string): Promise<SourceFile | undefined> {
    const known = this.files.get(absPath);
    if (known || this.unreadable.has(absPath)) return known;
    let text: string;
    try {
      text = isRemote(absPath) ? await fetchText(absPath) : await readFile(absPath, 'utf8');
    } catch (error) {
      this.unreadable.set(absPath, errorMessage(error));
      return undefined;
    }
    const file = isRemote(absPath) ? absPath : relative(this.cwd, absPath) || absPath;
    let earlier = this.parsed?.get(absPath);
    if (!earlier || earlier.source.text !== text || earlier.source.file !== file) {
      const own = new DiagnosticSink();
      earlier = { source: parseSource(absPath, file, text, own), diagnostics: own.sorted() };
      this.parsed?.set(absPath, earlier);
    }
    for (const d of earlier.diagnostics) this.sink.add(d);
    const source = earlier.source;
    this.files.set(absPath, source);
    return source;
  }

  /** Loads every file reachable through `$ref`s from the files already loaded. */
  async loadReferenced(): Promise<void> {
    const pending = [...this.files.values()];
    while (pending.length > 0) {
      const source = pending.pop()!;
      const targets = new Set<string>();
      collectRefFiles(source.value, (ref) => {
        const file = refFile(ref);
        if (file) targets.add(targetOf(source.absPath, file));
      });
      this.references.set(source.absPath, targets);
      for (const target of [...targets].sort()) {
        if (this.files.has(target) || this.unreadable.has(target)) continue;
        const loaded = await this.load(target);
        if (loaded) pending.push(loaded);
      }
    }
  }

  /**
   * Every file `absPath` reaches through `$ref`s, itself included, sorted: what a document's
   * validation depends on. Files that could not be read are listed too (creating one changes it).
   */
  closure(absPath: string): string[] {
    const seen = new Set<string>([absPath]);
    const pending = [absPath];
    while (pending.length > 0) {
      for (const next of this.references.get(pending.pop()!) ?? []) {
        if (!seen.has(next)) {
          seen.add(next);
          pending.push(next);
        }
      }
    }
    return [...seen].sort();
  }

  /** The value at `path` in `source`, following `$ref`s met on the way (not the final one). */
  at(source: SourceFile, path: readonly PathSegment[]): Located | undefined {
    return this.walk({ source, path: [], value: source.value }, path, source.locate(path, 'value'));
  }

  /**
   * Follows `node` while it is a `$ref`. Reports a broken reference at the `$ref` and returns
   * undefined; a node that is not a reference comes back as is.
   */
  deref(node: Located): Located | undefined {
    let current = node;
    const visited = new Set<string>();
    for (;;) {
      const ref = refOf(current.value);
      if (ref === undefined) return current;
      const key = nodeKey(current);
      const at = current.source.locate([...current.path, '$ref'], 'value');
      if (visited.has(key)) {
        this.sink.error(at, `$ref "${ref}" refers to itself through a chain of references`, 'ep-ref');
        return undefined;
      }
      visited.add(key);
      const next = this.resolveRef(current.source, ref, at);
      if (!next) return undefined;
      current = next;
    }
  }

  /** `$ref`s being resolved right now (file and ref), to catch one that passes through itself. */
  private readonly resolving = new Set<string>();

  /** Where a `$ref` written in `from` points (one step; the target may itself be a `$ref`). */
  resolveRef(from: SourceFile, ref: string, at: Position): Located | undefined {
    const hash = ref.indexOf('#');
    const file = hash < 0 ? ref : ref.slice(0, hash);
    const fragment = hash < 0 ? '' : ref.slice(hash);
    let target = from;
    if (file !== '') {
      const absPath = targetOf(from.absPath, file);
      const loaded = this.files.get(absPath);
      if (!loaded && isRemote(absPath)) {
        const reason = this.unreadable.get(absPath) ?? 'not fetched';
        this.sink.error(at, `$ref "${ref}": fetching ${absPath} failed (${reason}); keep what contracts reference in the repository`, 'ep-ref');
        return undefined;
      }
      if (!loaded) {
        const reason = this.unreadable.get(absPath) ?? 'not loaded';
        this.sink.error(at, `$ref "${ref}": cannot read ${relative(this.cwd, absPath)} (${reason.replace(/^.*?: /, '')})`, 'ep-ref');
        return undefined;
      }
      if (loaded.broken) return undefined; // its syntax errors are already reported
      target = loaded;
    }
    const path = parsePointer(fragment);
    if (path === undefined) {
      this.sink.error(at, `$ref "${ref}": "${fragment}" is not a JSON pointer (it must start with #/)`, 'ep-ref');
      return undefined;
    }
    // The root of an AsyncAPI document is no schema, message or channel (a schema file's root may be).
    if (path.length === 0 && isRecord(target.value) && Object.hasOwn(target.value, 'asyncapi')) {
      this.sink.error(at, `$ref "${ref}" points at a whole AsyncAPI document: point at a component, e.g. #/components/schemas/Name`, 'ep-ref');
      return undefined;
    }
    // A pointer that runs through its own `$ref` (`#/a/b/$ref` written at /a/b) would resolve forever.
    const key = `${from.absPath}\u0000${ref}`;
    if (this.resolving.has(key)) {
      this.sink.error(at, `$ref "${ref}" refers to itself through a chain of references`, 'ep-ref');
      return undefined;
    }
    this.resolving.add(key);
    try {
      return this.walk({ source: target, path: [], value: target.value }, path, at, ref);
    } finally {
      this.resolving.delete(key);
    }
  }

  private walk(start: Located, path: readonly PathSegment[], at: Position, ref?: string): Located | undefined {
    let current: Located = start;
    for (let i = 0; i < path.length; i++) {
      const segment = path[i]!;
      // A pointer may pass through a reference (`#/channels/x/messages/y` where channel x is a $ref).
      const through = this.deref(current);
      if (!through) return undefined;
      current = through;
      const container = current.value;
      let value: unknown;
      if (Array.isArray(container) && /^\d+$/.test(String(segment))) value = container[Number(segment)];
      else if (isRecord(container) && Object.hasOwn(container, String(segment))) value = container[String(segment)];
      else {
        const where = ref ? `$ref "${ref}"` : 'reference';
        const missing = path.slice(0, i + 1).join('/');
        this.sink.error(at, `${where}: ${current.source.file} has nothing at /${missing}`, 'ep-ref');
        return undefined;
      }
      current = { source: current.source, path: [...current.path, segment], value };
    }
    return current;
  }
}

function collectRefFiles(value: unknown, visit: (ref: string) => void): void {
  if (Array.isArray(value)) {
    for (const item of value) collectRefFiles(item, visit);
  } else if (isRecord(value)) {
    for (const [key, child] of Object.entries(value)) {
      // Examples are data, but the parser resolves a `$ref` key anywhere, so these count too.
      if (key === '$ref' && typeof child === 'string') visit(child);
      else collectRefFiles(child, visit);
    }
  }
}

function refFile(ref: string): string {
  const hash = ref.indexOf('#');
  return hash < 0 ? ref : ref.slice(0, hash);
}

/** The file a `$ref` written in `from` names: a URL as written (or resolved against a remote `from`), else a path. */
function targetOf(from: string, file: string): string {
  if (isRemote(file)) return file;
  if (isRemote(from)) return new URL(file, from).href;
  return resolvePath(dirname(from), file);
}

const FETCH_TIMEOUT_MS = 10_000;

/** A remote document referenced by a contract: fetched once per run, refused on any HTTP error. */
async function fetchText(url: string): Promise<string> {
  let response: Response;
  try {
    response = await fetch(url, { signal: AbortSignal.timeout(FETCH_TIMEOUT_MS), redirect: 'follow' });
  } catch (error) {
    const cause = (error as { cause?: { code?: string; message?: string } }).cause;
    throw new Error(cause?.code ?? cause?.message ?? errorMessage(error), { cause: error });
  }
  if (!response.ok) throw new Error(`HTTP ${response.status}`);
  return response.text();
}

export function isRemote(file: string): boolean {
  return /^[a-z][a-z0-9+.-]*:\/\//i.test(file);
}

/** A stable identity for a node: the same node reached through different refs compares equal. */
export function nodeKey(node: Pick<Located, 'source' | 'path'>): string {
  return `${node.source.absPath}${formatPointer(node.path)}`;
}
