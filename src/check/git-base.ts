/**
 * The base side of the comparison: which commit to compare with (by default the merge base of
 * HEAD and main) and that commit's spec directory, written to a temporary directory so the
 * compiler can load it like any other tree. Git errors become user errors: a missing
 * repository, an empty history or an unknown ref is a sentence, not a stack trace.
 */
import { execFile, spawn } from 'node:child_process';
import { mkdir, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join, relative, resolve, sep } from 'node:path';
import { promisify } from 'node:util';
import { UserError } from '../shared/user-error.js';

const exec = promisify(execFile);

export interface BaseRef {
  /** What the user asked for, or `merge-base(HEAD, main)`. */
  readonly label: string;
  readonly commit: string;
}

export interface BaseTree {
  /** The spec directory as it was at the base commit (inside `root`). */
  readonly specDir: string;
  /** The temporary directory standing for the repository's top level. */
  readonly root: string;
  /** The repository's real top level. */
  readonly toplevel: string;
  /** False when the spec directory did not exist at that commit. */
  readonly exists: boolean;
  dispose(): Promise<void>;
}

async function git(cwd: string, args: string[]): Promise<string> {
  const { stdout } = await exec('git', args, { cwd, maxBuffer: 256 * 1024 * 1024, encoding: 'utf8' });
  return stdout;
}

async function tryGit(cwd: string, args: string[]): Promise<string | undefined> {
  try {
    return (await git(cwd, args)).trim();
  } catch {
    return undefined;
  }
}

export async function repositoryRoot(cwd: string): Promise<string> {
  try {
    return (await git(cwd, ['rev-parse', '--show-toplevel'])).trim();
  } catch (error) {
    const reason = (error as { code?: string }).code === 'ENOENT' ? 'git is not installed' : `${cwd} is not inside a git repository`;
    throw new UserError(`cannot compare with a base ref: ${reason}. Run inside a git checkout, or pass --broker alone to check drift only.`);
  }
}

/**
 * Resolves `--base REF` (or the default, the merge base of HEAD and main) to a commit. On main
 * itself the merge base is HEAD, so the comparison is empty and the check passes.
 */
export async function resolveBaseRef(cwd: string, ref?: string): Promise<BaseRef> {
  await repositoryRoot(cwd);
  if ((await tryGit(cwd, ['rev-parse', '--verify', '--quiet', 'HEAD^{commit}'])) === undefined) {
    throw new UserError('the repository has no commits yet, so there is no base to compare with: commit first, or pass --base REF');
  }
  if (ref !== undefined) {
    const commit = await tryGit(cwd, ['rev-parse', '--verify', '--quiet', `${ref}^{commit}`]);
    if (!commit) throw new UserError(`unknown git ref "${ref}" (--base): give a branch, tag or commit that exists in this repository`);
    return { label: ref, commit };
  }
  for (const main of ['main', 'origin/main', 'refs/remotes/origin/HEAD']) {
    if ((await tryGit(cwd, ['rev-parse', '--verify', '--quiet', `${main}^{commit}`])) === undefined) continue;
    const commit = await tryGit(cwd, ['merge-base', 'HEAD', main]);
    if (!commit) {
      throw new UserError(`HEAD and ${main} have no common history (a shallow clone?): fetch more history or pass --base REF`);
    }
    return { label: `merge-base(HEAD, ${main})`, commit };
  }
  throw new UserError('no branch named main (or origin/main) to take the merge base with: pass --base REF');
}

/** Writes the spec directory at `commit` into a temporary tree with the same layout. */
export async function extractSpecTree(cwd: string, commit: string, specDir: string): Promise<BaseTree> {
  const toplevel = await repositoryRoot(cwd);
  const specAbs = resolve(cwd, specDir);
  const inRepo = relative(toplevel, specAbs);
  if (inRepo.startsWith('..') || resolve(toplevel, inRepo) !== specAbs) {
    throw new UserError(`the spec directory ${specDir} is outside the git repository ${toplevel}`);
  }
  const root = await mkdtemp(join(tmpdir(), 'eventplane-check-base-'));
  const dispose = () => rm(root, { recursive: true, force: true });
  try {
    const listing = await git(toplevel, ['ls-tree', '-r', '-z', '--full-tree', commit, '--', inRepo === '' ? '.' : inRepo]);
    const entries = listing
      .split('\0')
      .filter((line) => line.length > 0)
      .map((line) => {
        const tab = line.indexOf('\t');
        const [mode, type, sha] = line.slice(0, tab).split(' ');
        return { mode: mode!, type: type!, sha: sha!, path: line.slice(tab + 1) };
      })
      // Regular files only: symlinks could point outside the temporary tree.
      .filter((e) => e.type === 'blob' && (e.mode === '100644' || e.mode === '100755'));
    const blobs = await readBlobs(toplevel, entries.map((e) => e.sha));
    for (const entry of entries) {
      const target = join(root, ...entry.path.split('/'));
      if (!target.startsWith(root + sep)) continue;
      await mkdir(dirname(target), { recursive: true });
      await writeFile(target, blobs.get(entry.sha)!);
    }
    const baseSpec = join(root, inRepo);
    await mkdir(baseSpec, { recursive: true });
    return { specDir: baseSpec, root, toplevel, exists: entries.length > 0, dispose };
  } catch (error) {
    await dispose();
    throw error;
  }
}

/** Reads blobs in one `git cat-file --batch` process rather than one `git show` per file. */
function readBlobs(cwd: string, shas: string[]): Promise<Map<string, Buffer>> {
  const unique = [...new Set(shas)];
  if (unique.length === 0) return Promise.resolve(new Map());
  return new Promise((resolvePromise, reject) => {
    const child = spawn('git', ['cat-file', '--batch'], { cwd, stdio: ['pipe', 'pipe', 'pipe'] });
    const chunks: Buffer[] = [];
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => chunks.push(chunk));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.on('error', reject);
    child.on('close', (code) => {
      if (code !== 0) return reject(new Error(`git cat-file exited ${code}: ${stderr}`));
      const out = Buffer.concat(chunks);
      const blobs = new Map<string, Buffer>();
      let offset = 0;
      for (const sha of unique) {
        const newline = out.indexOf(0x0a, offset);
        const header = out.subarray(offset, newline).toString();
        const [, type, size] = header.split(' ');
        if (type !== 'blob') return reject(new Error(`git cat-file: unexpected answer "${header}"`));
        const start = newline + 1;
        blobs.set(sha, out.subarray(start, start + Number(size)));
        offset = start + Number(size) + 1;
      }
      resolvePromise(blobs);
    });
    child.stdin.end(`${unique.join('\n')}\n`);
  });
}

/** A file path the compiler reported for the base tree, as the same file in the working tree. */
export function baseFileMapper(cwd: string, tree: BaseTree): (file: string) => string {
  return (file) => {
    const abs = resolve(cwd, file);
    if (!abs.startsWith(tree.root + sep)) return file;
    return relative(cwd, join(tree.toplevel, relative(tree.root, abs)));
  };
}

/**
 * The base model with every `file` (service files, source locations) mapped by `map`, so base
 * findings name the working tree's paths. Files outside the base tree map to themselves.
 */
export function relocateFiles<T>(value: T, map: (file: string) => string): T {
  const walk = (v: unknown): unknown => {
    if (Array.isArray(v)) return v.map(walk);
    if (typeof v !== 'object' || v === null) return v;
    const out: Record<string, unknown> = {};
    for (const [key, child] of Object.entries(v)) out[key] = key === 'file' && typeof child === 'string' ? map(child) : walk(child);
    return out;
  };
  return walk(value) as T;
}

/**
 * True when two directories hold the same files with the same bytes. On main, or before any
 * contract was edited, the base tree equals the working tree and compiling it again would only
 * cost time.
 */
export async function sameTree(a: string, b: string): Promise<boolean> {
  const list = async (root: string, dir = ''): Promise<string[]> => {
    let entries;
    try {
      entries = await readdir(join(root, dir), { withFileTypes: true });
    } catch {
      return [];
    }
    const out: string[] = [];
    for (const e of entries) {
      if (e.isDirectory()) out.push(...(await list(root, join(dir, e.name))));
      else if (e.isFile()) out.push(join(dir, e.name));
    }
    return out.sort();
  };
  const [filesA, filesB] = await Promise.all([list(a), list(b)]);
  if (filesA.join('\0') !== filesB.join('\0')) return false;
  for (const file of filesA) {
    const [x, y] = await Promise.all([readFile(join(a, file)), readFile(join(b, file))]);
    if (!x.equals(y)) return false;
  }
  return true;
}
