/**
 * Reads the git history of the spec files (I/O at the edge of the catalog): one `git log` for
 * the whole spec directory with rename detection — the scalable equivalent of
 * `git log --follow` per file — and one `git cat-file --batch` for every revision's content.
 * Anything that goes wrong (no git, not a repository) becomes a note, never a failed build.
 */
import { execFile, spawn } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import { relative, resolve } from 'node:path';
import { promisify } from 'node:util';
import type { CommitInfo, FileRevision, SpecRevisions } from './message-history.js';

const run = promisify(execFile);
const MAX_BUFFER = 256 * 1024 * 1024;
/** Older revisions than this per file are left out; the changelog stays readable and fast. */
const MAX_REVISIONS_PER_FILE = 100;

async function git(cwd: string, args: string[]): Promise<string> {
  const { stdout } = await run('git', ['-c', 'core.quotepath=off', ...args], { cwd, maxBuffer: MAX_BUFFER, encoding: 'utf8' });
  return stdout;
}

interface LogCommit {
  readonly info: CommitInfo;
  /** [status, path, renamedTo?] */
  readonly changes: readonly (readonly string[])[];
}

function parseLog(text: string): LogCommit[] {
  const commits: LogCommit[] = [];
  for (const chunk of text.split('\x1e')) {
    if (chunk.trim() === '') continue;
    const [header = '', ...rest] = chunk.split('\n');
    const [hash = '', shortHash = '', date = '', author = '', subject = ''] = header.split('\x1f');
    const changes = rest.filter((l) => l.trim() !== '').map((l) => l.split('\t'));
    commits.push({ info: { hash, shortHash, date, author, subject }, changes });
  }
  return commits;
}

/** `git cat-file --batch`: many `rev:path` contents through one process. */
function catFiles(cwd: string, specs: readonly string[]): Promise<Map<string, string>> {
  return new Promise((resolvePromise, reject) => {
    const child = spawn('git', ['cat-file', '--batch'], { cwd, stdio: ['pipe', 'pipe', 'ignore'] });
    const chunks: Buffer[] = [];
    child.stdout.on('data', (c: Buffer) => chunks.push(c));
    child.on('error', reject);
    child.on('close', () => {
      const out = Buffer.concat(chunks);
      const result = new Map<string, string>();
      let pos = 0;
      for (const spec of specs) {
        const eol = out.indexOf(0x0a, pos);
        if (eol < 0) break;
        const header = out.subarray(pos, eol).toString('utf8');
        pos = eol + 1;
        const size = /^[0-9a-f]+ blob (\d+)$/.exec(header)?.[1];
        if (size === undefined) continue; // "<spec> missing"
        const n = Number(size);
        result.set(spec, out.subarray(pos, pos + n).toString('utf8'));
        pos += n + 1;
      }
      resolvePromise(result);
    });
    child.stdin.end(specs.map((s) => `${s}\n`).join(''));
  });
}

async function readCurrent(files: readonly string[]): Promise<Map<string, string>> {
  const current = new Map<string, string>();
  await Promise.all(
    files.map(async (f) => {
      try {
        current.set(f, await readFile(f, 'utf8'));
      } catch {
        // A file the model names but that vanished since: nothing to compare with.
      }
    }),
  );
  return current;
}

/**
 * Committed revisions of each spec file (paths as in the model: relative to the working
 * directory), newest first, and their current contents.
 */
export async function readSpecRevisions(specDir: string, files: readonly string[]): Promise<SpecRevisions> {
  const current = await readCurrent(files);
  let top: string;
  try {
    top = (await git(resolve(specDir), ['rev-parse', '--show-toplevel'])).trim();
  } catch {
    return { unavailable: 'The spec directory is not in a git repository (or git is not installed), so there is no history.', files: new Map(), current };
  }
  let log: LogCommit[];
  try {
    const dirInRepo = relative(top, resolve(specDir)) || '.';
    log = parseLog(await git(top, ['log', '-M', '--name-status', '--format=%x1e%H%x1f%h%x1f%aI%x1f%an%x1f%s', '--', dirInRepo]));
  } catch {
    // A repository without commits yet.
    log = [];
  }

  const touches = new Map<string, { commit: CommitInfo; path: string }[]>();
  for (const file of files) {
    let name: string | undefined = relative(top, resolve(file)).split('\\').join('/');
    const list: { commit: CommitInfo; path: string }[] = [];
    for (const c of log) {
      if (name === undefined || list.length >= MAX_REVISIONS_PER_FILE) break;
      for (const [status = '', path = '', renamedTo] of c.changes) {
        if (status.startsWith('R') && renamedTo === name) {
          list.push({ commit: c.info, path: name });
          name = path;
          break;
        }
        if (path !== name) continue;
        if (status === 'D') {
          name = undefined;
          break;
        }
        list.push({ commit: c.info, path: name });
        if (status === 'A') name = undefined;
        break;
      }
    }
    touches.set(file, list);
  }

  const specs = [...new Set([...touches.values()].flat().map((t) => `${t.commit.hash}:${t.path}`))];
  const contents = specs.length > 0 ? await catFiles(top, specs) : new Map<string, string>();
  const revisions = new Map<string, FileRevision[]>();
  for (const [file, list] of touches) {
    const revs: FileRevision[] = [];
    for (const t of list) {
      const content = contents.get(`${t.commit.hash}:${t.path}`);
      if (content !== undefined) revs.push({ commit: t.commit, content });
    }
    revisions.set(file, revs);
  }
  return { files: revisions, current };
}
