/**
 * A content-addressed cache of @asyncapi/parser's diagnostics. Validating a document costs the
 * parser a quarter of a second or more, and a typical edit touches one file: documents whose
 * files (the document and everything its `$ref`s reach) are byte-for-byte unchanged get the
 * diagnostics the parser gave last time. The key covers every input of the result — the
 * parser's version, the absolute paths and contents of all those files — so a hit is exactly
 * what the parser would say again, and output stays deterministic.
 */
import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdir, readdir, readFile, rename, rm, stat, writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { dirname, join, parse as parsePath } from 'node:path';
import type { SourceSet } from './sources.js';

/** Bump when what is cached (or how it is produced) changes. */
const FORMAT = 1;
const MAX_AGE_MS = 14 * 24 * 3600 * 1000;
const PRUNE_ABOVE = 2000;

const parserVersion = (createRequire(import.meta.url)('@asyncapi/parser/package.json') as { version: string }).version;

export interface ParserCache {
  key(absPath: string, sources: SourceSet): string;
  get(key: string): Promise<unknown>;
  set(key: string, value: unknown): Promise<void>;
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
  return {
    key(absPath, sources) {
      const hash = createHash('sha256');
      hash.update(JSON.stringify({ format: FORMAT, parser: parserVersion, document: absPath }));
      for (const file of sources.closure(absPath)) {
        const text = sources.get(file)?.text;
        hash.update(`\0${file}\0${text === undefined ? 'unreadable' : createHash('sha256').update(text).digest('hex')}`);
      }
      return hash.digest('hex');
    },
    async get(key) {
      try {
        return JSON.parse(await readFile(join(folder, `${key}.json`), 'utf8')) as unknown;
      } catch {
        return undefined; // missing or unreadable: parse again
      }
    },
    async set(key, value) {
      try {
        await mkdir(folder, { recursive: true });
        // Write then rename, so a concurrent run never reads half a file.
        const temp = join(folder, `${key}.${process.pid}.tmp`);
        await writeFile(temp, JSON.stringify(value));
        await rename(temp, join(folder, `${key}.json`));
        await prune();
      } catch {
        // A cache that cannot be written only costs time.
      }
    },
  };
}
