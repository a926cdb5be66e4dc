/**
 * The catalog's thin writer: puts rendered files and static assets into the output
 * directory. It only ever replaces a directory it wrote before (marked by a stamp file), so a
 * mistyped `--out` cannot wipe someone's folder.
 */
import { mkdir, readdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import { FAVICON, SEARCH_SCRIPT, STYLESHEET } from './site-paths.js';

const STAMP = '.eventplane-catalog';
const ASSETS: readonly [string, URL][] = [
  [STYLESHEET, new URL('./assets/catalog.css', import.meta.url)],
  [SEARCH_SCRIPT, new URL('./assets/search.js', import.meta.url)],
  [FAVICON, new URL('./assets/favicon.svg', import.meta.url)],
];

export class OutputDirectoryError extends Error {
  override readonly name = 'OutputDirectoryError';
}

/**
 * Throws OutputDirectoryError unless `outDir` is missing, empty or a previous catalog:
 * called before the (slow) contract loading so a wrong `--out` fails at once.
 */
export async function checkOutputDirectory(outDir: string): Promise<void> {
  let entries: string[];
  try {
    if (!(await stat(outDir)).isDirectory()) throw new OutputDirectoryError(`${outDir} exists and is not a directory`);
    entries = await readdir(outDir);
  } catch (error) {
    if (error instanceof OutputDirectoryError) throw error;
    return;
  }
  if (entries.length > 0 && !entries.includes(STAMP)) {
    throw new OutputDirectoryError(`${outDir} is not empty and was not written by eventplane catalog; choose another --out or empty it`);
  }
}

async function prepare(outDir: string): Promise<void> {
  await checkOutputDirectory(outDir);
  let entries: string[];
  try {
    entries = await readdir(outDir);
  } catch {
    await mkdir(outDir, { recursive: true });
    return;
  }
  // Rebuild from scratch so pages of removed events do not linger.
  await Promise.all(entries.map((e) => rm(join(outDir, e), { recursive: true, force: true })));
}

export interface WriteResult {
  readonly files: number;
  readonly bytes: number;
}

/** Writes `files` (site-root relative paths) plus the stylesheet and search script. */
export async function writeSite(outDir: string, files: ReadonlyMap<string, string>): Promise<WriteResult> {
  const root = resolve(outDir);
  await prepare(root);
  const all = new Map<string, string | Buffer>(files);
  for (const [path, url] of ASSETS) all.set(path, await readFile(url));
  all.set(STAMP, 'Written by `eventplane catalog`; the next build replaces this directory.\n');
  const dirs = new Set([...all.keys()].map((p) => dirname(join(root, p))));
  for (const d of [...dirs].sort()) await mkdir(d, { recursive: true });
  let bytes = 0;
  const entries = [...all];
  // Bounded parallelism: fast on thousands of files without exhausting file descriptors.
  for (let i = 0; i < entries.length; i += 64) {
    await Promise.all(
      entries.slice(i, i + 64).map(([path, content]) => {
        bytes += typeof content === 'string' ? Buffer.byteLength(content) : content.length;
        return writeFile(join(root, path), content);
      }),
    );
  }
  return { files: all.size, bytes };
}
