/** Helpers for the compiler's tests: fixture paths, temp directories, running tsc and the CLI. */
import { execFile } from 'node:child_process';
import { mkdtemp, rm, writeFile, mkdir } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';

const run = promisify(execFile);

export const repoRoot = fileURLToPath(new URL('../../../', import.meta.url));
export const fixtures = join(repoRoot, 'test/fixtures/specs');
const tscBin = join(repoRoot, 'node_modules/typescript/bin/tsc');
const cliBin = join(repoRoot, 'bin/eventplane.js');

/** A fresh directory outside the repository (so nothing resolves through its node_modules by accident). */
export async function tempDir(label: string): Promise<{ path: string; remove: () => Promise<void> }> {
  const path = await mkdtemp(join(tmpdir(), `ep-${label}-`));
  return { path, remove: () => rm(path, { recursive: true, force: true }) };
}

export async function writeFiles(root: string, files: ReadonlyMap<string, string> | Record<string, string>): Promise<void> {
  const entries = files instanceof Map ? [...files.entries()] : Object.entries(files);
  for (const [path, content] of entries) {
    await mkdir(dirname(join(root, path)), { recursive: true });
    await writeFile(join(root, path), content);
  }
}

export interface ProcessResult {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

async function exec(file: string, args: readonly string[], cwd: string): Promise<ProcessResult> {
  try {
    const { stdout, stderr } = await run(process.execPath, [file, ...args], { cwd, maxBuffer: 64 * 1024 * 1024 });
    return { code: 0, stdout, stderr };
  } catch (error) {
    const e = error as { code?: number; stdout?: string; stderr?: string };
    if (typeof e.code !== 'number') throw error;
    return { code: e.code, stdout: e.stdout ?? '', stderr: e.stderr ?? '' };
  }
}

/** `tsc --noEmit -p <dir>` with the repository's typescript. */
export function tsc(projectDir: string): Promise<ProcessResult> {
  return exec(tscBin, ['--noEmit', '-p', projectDir], projectDir);
}

/** The real CLI, as a user runs it. */
export function eventplane(args: readonly string[], cwd = repoRoot): Promise<ProcessResult> {
  return exec(cliBin, args, cwd);
}
