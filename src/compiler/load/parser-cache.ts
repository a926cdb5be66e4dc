/**
 * A content-addressed cache of @asyncapi/parser's verdict on each document. Validating a
 * document costs the parser a quarter of a second or more, and a typical edit touches one
 * field: a document whose own text and every node its `$ref`s reach are unchanged
 * (cache/document-key.ts) gets the diagnostics the parser gave last time. Files are sealed
 * (cache/sealed.ts), so a corrupt file, one from another version or one another run left half
 * written is a miss, never an input.
 */
import { existsSync } from 'node:fs';
import { readdir, rm, stat } from 'node:fs/promises';
import { dirname, join, parse as parsePath } from 'node:path';
import { closureKey, documentKey } from '../cache/document-key.js';
import { readSealed, writeSealed } from '../cache/sealed.js';
import type { SourceFile } from './source.js';
import type { SourceSet } from './sources.js';

const MAX_AGE_MS = 14 * 24 * 3600 * 1000;
const PRUNE_ABOVE = 2000;

/** What is stored: the parser's outcome, and when it points into other files, the texts it was computed against. */
interface Entry {
  readonly outcome: unknown;
  readonly closure?: string;
}

export interface ParserCache {
  /** The verdict stored for `doc` as it is now, if any (still to be checked by the caller's shape test). */
  lookup(doc: SourceFile, sources: SourceSet): Promise<unknown>;
  store(doc: SourceFile, sources: SourceSet, outcome: unknown, pointsElsewhere: boolean): Promise<void>;
}

/** `node_modules/.cache/eventplane` of the nearest directory above `from` that has node_modules. */
export function defaultCacheDir(from: string): string | undefined {
  let dir = from;
  const { root } = parsePath(dir);
  for (;;) {
    if (existsSync(join(dir, 'node_modules'))) return join(dir, 'node_modules', '.cache', 'eventplane');
    if (dir === root) return undefined;
    dir = dirname(dir);
  }
}

export function openParserCache(dir: string): ParserCache {
  const folder = join(dir, 'parser');
  let pruned = false;
  const prune = async () => {
    if (pruned) return;
    pruned = true;
    const names = await readdir(folder).catch(() => [] as string[]);
    if (names.length <= PRUNE_ABOVE) return;
    const now = Date.now();
    for (const name of names) {
      const path = join(folder, name);
      const info = await stat(path).catch(() => undefined);
      if (info && now - info.mtimeMs > MAX_AGE_MS) await rm(path, { force: true });
    }
  };
  const keys = new WeakMap<SourceFile, string>();
  const keyOf = (doc: SourceFile, sources: SourceSet) => {
    let key = keys.get(doc);
    if (key === undefined) keys.set(doc, (key = documentKey(doc, sources)));
    return key;
  };
  return {
    async lookup(doc, sources) {
      const entry = (await readSealed(join(folder, `${keyOf(doc, sources)}.json`), keyOf(doc, sources))) as Partial<Entry> | undefined;
      if (typeof entry !== 'object' || entry === null) return undefined;
      if (entry.closure !== undefined && entry.closure !== closureKey(doc.absPath, sources)) return undefined;
      return entry.outcome;
    },
    async store(doc, sources, outcome, pointsElsewhere) {
      const key = keyOf(doc, sources);
      const entry: Entry = pointsElsewhere ? { outcome, closure: closureKey(doc.absPath, sources) } : { outcome };
      await writeSealed(join(folder, `${key}.json`), key, entry);
      await prune();
    },
  };
}
