/**
 * The compiler fuzzed with 1,000 mutated contracts (./spec-fuzzer.ts): YAML syntax errors, type
 * swaps, deleted and renamed keys, deep nesting, huge files, unicode and invalid bytes, cyclic,
 * dangling and escaping `$ref`s, alias tricks.
 *
 * Every mutant must end in one of two ways: compiled (the mutation happened to keep the contract
 * valid), or refused with at least one error diagnostic that points at a line and column of a
 * file of that mutant — never an exception, never a stack trace in a message. Most mutants go
 * through the library API, many at a time (each in its own system directory, so their
 * diagnostics are told apart by path); those that compile are emitted too; a sample goes through
 * the real CLI, which must exit 1 and print `file:line:col: error:` lines without a stack trace.
 *
 * In the integration project, not the unit one: @asyncapi/parser validates every document with a
 * parser of its own, so a thousand documents take minutes.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { cp, mkdir, rm, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { emitAll, loadContracts, type Diagnostic } from '../../../src/compiler/index.js';
import { eventplane, repoRoot, tempDir } from '../../unit/compiler/support.js';
import { mutants, OPERATOR_NAMES, type Mutant } from './spec-fuzzer.js';

const COUNT = 1_000;
const SEED = 0x9e3779b9;
const BATCH = 100;
const base = readFileSync(join(repoRoot, 'test/fixtures/hostile/fuzz-base.yaml'), 'utf8');
const STACK = /\n\s+at .+[:(]\d+|^\s*at .+\.(ts|js):\d+/m;

let root: { path: string; remove: () => Promise<void> };
beforeAll(async () => {
  root = await tempDir('fuzz');
});
afterAll(async () => {
  await root.remove();
});

const systemOf = (mutant: Mutant) => `m${String(mutant.id).padStart(4, '0')}`;

async function writeSpecDir(dir: string, batch: readonly Mutant[]): Promise<void> {
  await rm(dir, { recursive: true, force: true });
  await mkdir(dir, { recursive: true });
  await cp(join(repoRoot, 'asyncapi/_shared'), join(dir, '_shared'), { recursive: true });
  // The mutants are house-style contracts: judge them under the profile this repository opts into.
  await cp(join(repoRoot, 'eventplane.config.yaml'), join(dir, 'eventplane.config.yaml'));
  for (const mutant of batch) {
    for (const [name, content] of mutant.files) {
      const file = join(dir, systemOf(mutant), name);
      await mkdir(dirname(file), { recursive: true });
      await writeFile(file, content);
    }
  }
}

interface Verdict {
  readonly mutant: Mutant;
  readonly outcome: 'refused' | 'compiled';
}

/** What a mutant's diagnostics must look like; returns the problems found. */
function problemsOf(mutant: Mutant, diagnostics: readonly Diagnostic[], compiled: boolean): string[] {
  const problems: string[] = [];
  const own = diagnostics.filter((d) => d.file.startsWith(`${systemOf(mutant)}/`));
  for (const d of diagnostics) {
    if (STACK.test(d.message)) problems.push(`stack trace in a diagnostic: ${d.message.slice(0, 300)}`);
    if (!(d.line >= 1 && d.column >= 1)) problems.push(`diagnostic without a position: ${JSON.stringify(d)}`);
  }
  if (!compiled && !own.some((d) => d.severity === 'error')) problems.push('refused without an error diagnostic in its own files');
  return problems;
}

async function runAlone(mutant: Mutant): Promise<{ verdict?: Verdict; problems: string[] }> {
  const dir = join(root.path, `alone-${mutant.id}`);
  await writeSpecDir(dir, [mutant]);
  try {
    const result = await loadContracts('.', { cwd: dir, cacheDir: false, threads: 1 });
    const compiled = result.model !== undefined;
    const problems = problemsOf(mutant, result.diagnostics, compiled);
    if (result.model) await emitAll(result.model).catch((error: Error) => problems.push(`emitAll threw: ${error.stack ?? error.message}`));
    return { verdict: { mutant, outcome: compiled ? 'compiled' : 'refused' }, problems };
  } catch (error) {
    return { problems: [`threw: ${(error as Error).stack ?? String(error)}`] };
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

describe('compiler fuzzing', () => {
  it(`never crashes on ${COUNT} mutated contracts and always points at file:line:col`, { timeout: 30 * 60_000 }, async () => {
    const all = [...mutants(base, COUNT, SEED)];
    const verdicts: Verdict[] = [];
    const accepted: Mutant[] = [];
    const failures: string[] = [];
    const fail = (mutant: Mutant, problems: readonly string[]) => {
      for (const problem of problems) failures.push(`mutant ${mutant.id} (${mutant.operator}: ${mutant.detail.slice(0, 120)}): ${problem}`);
    };
    for (let start = 0; start < all.length; start += BATCH) {
      const batch = all.slice(start, start + BATCH);
      const dir = join(root.path, 'batch');
      await writeSpecDir(dir, batch);
      let diagnostics: readonly Diagnostic[];
      try {
        diagnostics = (await loadContracts('.', { cwd: dir, cacheDir: false })).diagnostics;
      } catch {
        // One of them crashed the compiler: find out which, one by one.
        for (const mutant of batch) {
          const { verdict, problems } = await runAlone(mutant);
          fail(mutant, problems);
          if (verdict) verdicts.push(verdict);
        }
        continue;
      }
      for (const mutant of batch) {
        const own = diagnostics.filter((d) => d.file.startsWith(`${systemOf(mutant)}/`));
        fail(mutant, problemsOf(mutant, own, !own.some((d) => d.severity === 'error')));
        if (own.some((d) => d.severity === 'error')) verdicts.push({ mutant, outcome: 'refused' });
        else accepted.push(mutant);
      }
    }
    // Mutants without an error of their own in a batch must really compile and emit: together, and
    // one by one when their batch does not.
    for (let start = 0; start < accepted.length; start += BATCH) {
      const batch = accepted.slice(start, start + BATCH);
      const dir = join(root.path, 'accepted');
      await writeSpecDir(dir, batch);
      const result = await loadContracts('.', { cwd: dir, cacheDir: false }).catch((error: Error) => ({ model: undefined, diagnostics: [], error }));
      if (result.model) {
        // The emitters get the odd-but-valid contracts too (unicode names, deep schemas…).
        const emitted = await emitAll(result.model).then(
          () => undefined,
          (error: Error) => error,
        );
        if (!emitted) {
          for (const mutant of batch) verdicts.push({ mutant, outcome: 'compiled' });
          continue;
        }
      }
      for (const mutant of batch) {
        const { verdict, problems } = await runAlone(mutant);
        fail(mutant, problems);
        if (verdict) verdicts.push(verdict);
      }
    }
    if (process.env['EP_FUZZ_REPORT']) writeFileSync(process.env['EP_FUZZ_REPORT'], `${JSON.stringify({ failures, accepted: accepted.map((m) => `${m.id} ${m.operator}: ${m.detail}`) }, null, 2)}\n`);

    expect(failures.slice(0, 20)).toEqual([]);
    expect(verdicts).toHaveLength(COUNT);
    const refused = verdicts.filter((v) => v.outcome === 'refused');
    // Sanity: the mutations are hostile, so the great majority must be refused, by every operator.
    expect(refused.length).toBeGreaterThan(COUNT * 0.8);
    for (const operator of OPERATOR_NAMES) {
      if (operator === 'rename-key' || operator === 'delete-key') continue; // may hit optional fields
      expect(refused.filter((v) => v.mutant.operator === operator).length, operator).toBeGreaterThan(0);
    }
    process.stderr.write(
      `compiler fuzz: ${COUNT} mutants, ${refused.length} refused with positions, ${COUNT - refused.length} still valid and compiled\n`,
    );
  });

  it('answers a sample of mutants through the real CLI with exit 1 and file:line:col, no stack trace', { timeout: 10 * 60_000 }, async () => {
    const sample = [...mutants(base, OPERATOR_NAMES.length * 2, SEED ^ 0x5bd1e995)].filter((m) => m.operator !== 'huge' && m.operator !== 'delete-key' && m.operator !== 'rename-key');
    for (const mutant of sample) {
      const dir = join(root.path, `cli-${mutant.id}`);
      await writeSpecDir(dir, [mutant]);
      const result = await eventplane(['validate', '--spec', '.', '--no-cache'], dir);
      const where = `mutant ${mutant.id} (${mutant.operator}: ${mutant.detail.slice(0, 100)})`;
      expect(result.stderr, where).not.toMatch(STACK);
      if (result.code === 0) {
        // The mutation kept the contract valid: the CLI says so.
        expect(result.stdout, where).toMatch(/^valid: /m);
      } else {
        expect(result.code, where).toBe(1);
        expect(result.stderr, where).toMatch(new RegExp(`^${systemOf(mutant)}/[^:\\n]+:\\d+:\\d+: error: `, 'm'));
      }
      await rm(dir, { recursive: true, force: true });
    }
  });
});
