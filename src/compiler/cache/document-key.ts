/**
 * What a document's validation depends on, as a hash: its own text plus the value of every
 * node its `$ref`s reach in other files, followed transitively (a channel in another service's
 * document, the message and schemas that channel refers to, a shared schema library). Editing
 * a field of one message invalidates the documents that reach that message, not every
 * document that happens to reference some other part of the same file.
 *
 * The parser reports problems inside referenced nodes at positions in the referenced file,
 * which an edit elsewhere in that file can move; `closureKey` (the whole texts of every file
 * reached) guards verdicts that contain such diagnostics (see parser-cache.ts).
 */
import { createHash } from 'node:crypto';
import { dirname, resolve as resolvePath } from 'node:path';
import { formatPointer, isRecord, parsePointer, refOf, type PathSegment } from '../load/pointer.js';
import type { SourceFile } from '../load/source.js';
import type { SourceSet } from '../load/sources.js';

const sha256 = (text: string) => createHash('sha256').update(text).digest('hex');

/** Hash of the document's text and every node it reaches in other files. */
export function documentKey(doc: SourceFile, sources: SourceSet): string {
  const reached = new Map<string, string>();
  const pending: { from: SourceFile; value: unknown }[] = [{ from: doc, value: doc.value }];
  while (pending.length > 0) {
    const { from, value } = pending.pop()!;
    eachRef(value, (ref) => {
      const hash = ref.indexOf('#');
      const file = hash < 0 ? ref : ref.slice(0, hash);
      // Remote references are refused by the compiler and read as `{}` by the parser: the text says it all.
      if (/^[a-z][a-z0-9+.-]*:\/\//i.test(file)) return;
      const target = file === '' ? from : sources.get(resolvePath(dirname(from.absPath), file));
      const absPath = file === '' ? from.absPath : resolvePath(dirname(from.absPath), file);
      // Inside the document itself its text covers everything.
      if (absPath === doc.absPath) return;
      const id = `${absPath}${hash < 0 ? '' : ref.slice(hash)}`;
      if (reached.has(id)) return;
      if (!target) return void reached.set(id, 'unreadable');
      if (target.broken || target.value === undefined) return void reached.set(id, `broken ${sha256(target.text)}`);
      const path = parsePointer(hash < 0 ? '' : ref.slice(hash));
      const node = path === undefined ? undefined : walk(target, path, sources);
      if (!node) return void reached.set(id, 'unresolved');
      reached.set(id, `${formatPointer(node.path)} ${JSON.stringify(node.value) ?? 'undefined'}`);
      pending.push({ from: node.source, value: node.value });
    });
  }
  const hash = createHash('sha256').update(`${doc.absPath}\0${doc.text}`);
  for (const id of [...reached.keys()].sort()) hash.update(`\0${id}\0${reached.get(id)}`);
  return hash.digest('hex');
}

/** Hash of the whole text of every file the document reaches (positions in them included). */
export function closureKey(absPath: string, sources: SourceSet): string {
  const hash = createHash('sha256');
  for (const file of sources.closure(absPath)) {
    const text = sources.get(file)?.text;
    hash.update(`\0${file}\0${text === undefined ? 'unreadable' : sha256(text)}`);
  }
  return hash.digest('hex');
}

interface Reached {
  readonly source: SourceFile;
  readonly path: readonly PathSegment[];
  readonly value: unknown;
}

/** The node at `path`, following `$ref`s met on the way and at the end, without reporting anything. */
function walk(source: SourceFile, path: readonly PathSegment[], sources: SourceSet, depth = 0): Reached | undefined {
  if (depth > 64) return undefined; // a chain of references through itself: the compiler reports it
  let current: Reached = { source, path: [], value: source.value };
  for (const segment of [...path, undefined]) {
    const ref = refOf(current.value);
    if (ref !== undefined) {
      const hash = ref.indexOf('#');
      const file = hash < 0 ? ref : ref.slice(0, hash);
      const target = file === '' ? current.source : sources.get(resolvePath(dirname(current.source.absPath), file));
      const pointer = parsePointer(hash < 0 ? '' : ref.slice(hash));
      if (!target || target.value === undefined || pointer === undefined) return undefined;
      const next = walk(target, pointer, sources, depth + 1);
      if (!next) return undefined;
      current = next;
    }
    if (segment === undefined) break;
    const container = current.value;
    let value: unknown;
    if (Array.isArray(container) && /^\d+$/.test(String(segment))) value = container[Number(segment)];
    else if (isRecord(container) && Object.hasOwn(container, String(segment))) value = container[String(segment)];
    else return undefined;
    current = { source: current.source, path: [...current.path, segment], value };
  }
  return current;
}

function eachRef(value: unknown, visit: (ref: string) => void, depth = 0): void {
  if (depth > 256) return;
  if (Array.isArray(value)) {
    for (const item of value) eachRef(item, visit, depth + 1);
  } else if (isRecord(value)) {
    for (const [key, child] of Object.entries(value)) {
      // The parser resolves a `$ref` key anywhere (examples too), so these count as well.
      if (key === '$ref' && typeof child === 'string') visit(child);
      else eachRef(child, visit, depth + 1);
    }
  }
}
