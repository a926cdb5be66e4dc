/**
 * `eventplane check` as a user runs it: the real binary in a temporary git repository holding
 * the corpus' base contracts. Covers the default base (merge base with main), explicit refs,
 * the three output formats (SARIF validated against the SARIF 2.1.0 schema) and the user
 * errors git can cause.
 */
import { execFile } from 'node:child_process';
import { cp, mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
// ajv-draft-04 is CommonJS: under NodeNext its default import is the module; the class is `default`.
import AjvDraft04 from 'ajv-draft-04';
import type { Log } from 'sarif';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runEventplane, type CliRun } from './support/run-cli.js';

const exec = promisify(execFile);
const BASE = join(import.meta.dirname, '../../fixtures/check/_base');
const GIT_ENV = { GIT_AUTHOR_NAME: 'test', GIT_AUTHOR_EMAIL: 'test@example.org', GIT_COMMITTER_NAME: 'test', GIT_COMMITTER_EMAIL: 'test@example.org' };

let work: string;
beforeAll(async () => {
  work = await mkdtemp(join(tmpdir(), 'eventplane-check-cli-'));
});
afterAll(() => rm(work, { recursive: true, force: true }));

async function git(cwd: string, ...args: string[]) {
  await exec('git', args, { cwd, env: { ...process.env, ...GIT_ENV } });
}

/** A repository on main whose first commit holds the base contracts under asyncapi/. */
async function repository(name: string, options: { commit?: boolean } = {}): Promise<string> {
  const dir = join(work, name);
  await mkdir(dir);
  await git(dir, 'init', '-q', '-b', 'main');
  await cp(BASE, join(dir, 'asyncapi'), { recursive: true });
  // Like this repository, the project opts into the strict house profile.
  await writeFile(join(dir, 'eventplane.config.yaml'), 'extends: strict\n');
  if (options.commit !== false) {
    await git(dir, 'add', '-A');
    await git(dir, 'commit', '-q', '-m', 'contracts');
  }
  return dir;
}

async function edit(dir: string, file: string, from: string, to: string) {
  const path = join(dir, 'asyncapi', file);
  const text = await readFile(path, 'utf8');
  if (!text.includes(from)) throw new Error(`${file} has no "${from}"`);
  await writeFile(path, text.replace(from, to));
}

function check(cwd: string, ...args: string[]): Promise<CliRun> {
  return runEventplane(cwd, ['check', ...args]);
}

const WIDEN = ['shop/order.yaml', 'orderId: { type: integer', 'orderId: { type: number'] as const;

// Each case spawns the CLI, which compiles the contracts twice: generous time on a busy machine.
describe('eventplane check', { timeout: 180_000 }, () => {
  it('passes on main with no changes, and still simulates routing', async () => {
    const repo = await repository('clean');
    const run = await check(repo);
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    expect(run.stdout).toContain('against merge-base(HEAD, main)');
    expect(run.stdout).toContain('1 message compared');
    expect(run.stdout).toMatch(/shop\.order\.created\s+→ billing\.orders \(shop\/billing\)/);
    expect(run.stdout).toContain('passed: 0 errors');
  });

  it('fails on a breaking change with its file:line, and says how to fix it', async () => {
    const repo = await repository('breaking');
    await git(repo, 'checkout', '-q', '-b', 'feature');
    await edit(repo, ...WIDEN);
    await git(repo, 'commit', '-q', '-am', 'widen');
    const run = await check(repo);
    expect(run.code).toBe(1);
    expect(run.stdout).toContain('asyncapi/shop/order.yaml');
    expect(run.stdout).toMatch(/27:\d+\s+error\s+OrderCreated: `orderId` type changed from integer to number.*\[breaks consumers shop\/billing\] type-widened/);
    expect(run.stdout).toContain('fix: publish it as OrderCreatedV2 (x-version 2.0.0 and routing key shop.order.created.v2)');
    expect(run.stdout).toContain('failed: 1 error,');

    // Against the feature branch itself there is nothing to compare.
    const self = await check(repo, '--base', 'feature');
    expect(self.code).toBe(0);
  });

  it('compares uncommitted edits against HEAD on main; --format json carries the classification', async () => {
    const repo = await repository('json');
    await edit(repo, ...WIDEN);
    const run = await check(repo, '--format', 'json');
    expect(run.code).toBe(1);
    const report = JSON.parse(run.stdout);
    expect(report).toMatchObject({ formatVersion: 1, specDir: 'asyncapi', summary: { errors: 1, exitCode: 1 } });
    expect(report.findings).toContainEqual(
      expect.objectContaining({
        category: 'contract',
        rule: 'type-widened',
        severity: 'error',
        subject: 'shop/OrderCreated',
        field: 'orderId',
        consumers: 'breaking',
        producers: 'none',
        affected: { consumers: ['shop/billing'], producers: ['shop/order'] },
        location: { file: 'asyncapi/shop/order.yaml', line: 27, column: 11 },
      }),
    );
    expect(report.routes).toEqual([expect.objectContaining({ send: 'shop/order#publishOrderCreated', queues: [expect.objectContaining({ queue: 'billing.orders' })] })]);
  });

  it('writes SARIF 2.1.0 that validates against the SARIF schema and has what code scanning needs', async () => {
    const repo = await repository('sarif');
    await edit(repo, ...WIDEN);
    await edit(repo, 'shop/billing.yaml', 'name: billing.orders', 'name: billing.invoices');
    const run = await check(repo, '--format', 'sarif');
    expect(run.code).toBe(1);
    const log = JSON.parse(run.stdout) as Log;

    const require = createRequire(import.meta.url);
    const schema = JSON.parse(await readFile(require.resolve('@microsoft/jest-sarif/lib/schemas/sarif-2.1.0-rtm.5.json'), 'utf8'));
    // The official schema's `language` pattern is not valid with the `u` flag ajv uses by default.
    const validate = new AjvDraft04.default({ allErrors: true, strict: false, unicodeRegExp: false }).compile(schema);
    expect(validate(log), JSON.stringify(validate.errors, null, 2)).toBe(true);

    const run0 = log.runs[0]!;
    expect(log.version).toBe('2.1.0');
    expect(run0.tool.driver.name).toBe('eventplane-check');
    const ruleIds = run0.tool.driver.rules!.map((r) => r.id);
    expect(ruleIds).toEqual(expect.arrayContaining(['type-widened', 'queue-renamed']));
    expect(run0.results!.map((r) => [r.ruleId, r.level]).sort()).toEqual([
      ['queue-renamed', 'error'],
      ['type-widened', 'error'],
    ]);
    for (const result of run0.results!) {
      expect(ruleIds[result.ruleIndex!]).toBe(result.ruleId);
      const location = result.locations![0]!.physicalLocation!;
      expect(location.artifactLocation!.uri).toMatch(/^asyncapi\/shop\/(order|billing)\.yaml$/);
      expect(location.region!.startLine).toBeGreaterThan(0);
      expect(result.message.text).toBeTruthy();
      expect(result.partialFingerprints!['eventplane/v1']).toMatch(/^[0-9a-f]{32}$/);
    }
  });

  it('treats contracts that did not exist at the base as added', async () => {
    const repo = join(work, 'first');
    await mkdir(repo);
    await git(repo, 'init', '-q', '-b', 'main');
    await writeFile(join(repo, 'README.md'), 'x\n');
    await git(repo, 'add', '-A');
    await git(repo, 'commit', '-q', '-m', 'empty');
    await cp(BASE, join(repo, 'asyncapi'), { recursive: true });
    const run = await check(repo);
    expect(run.code).toBe(0);
    expect(run.stdout).toContain('0 messages compared, 1 added, 0 removed');
  });

  it('warns, without failing, when the base contracts do not compile', async () => {
    const repo = await repository('broken-base');
    await edit(repo, 'shop/order.yaml', 'x-owner: shop-orders, ', '');
    await git(repo, 'commit', '-q', '-am', 'break the contracts');
    await git(repo, 'checkout', '-q', '-b', 'fix');
    await edit(repo, 'shop/order.yaml', 'title: order, ', 'title: order, x-owner: shop-orders, ');
    const run = await check(repo, '--base', 'main');
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(/warning\s+the contracts at main do not load \(1 errors, first: asyncapi\/shop\/order\.yaml:2 .*breaking changes were not compared base-unavailable/);
  });

  it.each([
    ['an unknown --base ref', async () => [await repository('unknown-ref'), '--base', 'no-such-branch'], 'unknown git ref "no-such-branch" (--base)'],
    ['no git repository', async () => [await mkdtemp(join(work, 'plain-')).then(async (d) => (await cp(BASE, join(d, 'asyncapi'), { recursive: true }), d))], 'is not inside a git repository'],
    ['a repository without commits', async () => [await repository('no-commits', { commit: false })], 'the repository has no commits yet'],
    ['a missing spec directory', async () => [await repository('no-spec'), '--spec', 'contracts'], 'spec directory contracts does not exist'],
    ['a bad --format', async () => [await repository('bad-format'), '--format', 'xml'], '--format must be text, json or sarif'],
  ] as const)('gives one line and exit 2 for %s', async (_, setup, message) => {
    const [cwd, ...args] = await setup();
    const run = await check(cwd!, ...args);
    expect(run.code).toBe(2);
    expect(run.stdout).toBe('');
    expect(run.stderr).toContain(message);
    expect(run.stderr).not.toMatch(/\n\s+at /);
  });
});
