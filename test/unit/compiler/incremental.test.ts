/**
 * Incremental generate: caches that are corrupt, from another version or written by a
 * concurrent run are ignored and rebuilt; --no-cache is a full run; one-field edits change one
 * message's validator module; the watch survives a half-edited document and writes nothing then.
 */
import { cp, readdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { seal, unseal } from '../../../src/compiler/cache/sealed.js';
import { GenerateSession } from '../../../src/compiler/generate.js';
import { loadContracts } from '../../../src/compiler/index.js';
import { openParserCache } from '../../../src/compiler/load/parser-cache.js';
import { watchContracts } from '../../../src/compiler/watch.js';
import { fixtures, tempDir } from './support.js';

const cleanup: (() => Promise<void>)[] = [];
afterAll(async () => {
  for (const remove of cleanup) await remove();
});

async function project(label: string) {
  const dir = await tempDir(label);
  cleanup.push(dir.remove);
  const cwd = join(dir.path, 'project');
  await cp(join(fixtures, 'valid'), cwd, { recursive: true });
  return { cwd, cacheDir: join(dir.path, 'cache'), out: join(dir.path, 'out') };
}

async function cacheFiles(cacheDir: string): Promise<string[]> {
  const parser = (await readdir(join(cacheDir, 'parser')).catch(() => [])).map((f) => join(cacheDir, 'parser', f));
  const memo = (await readdir(join(cacheDir, 'memo')).catch(() => [])).map((f) => join(cacheDir, 'memo', f));
  return [...parser, ...memo].sort();
}

describe('sealed cache files', () => {
  const text = seal('k1', { diagnostics: [] });
  it('give back exactly what was sealed under the same key', () => {
    expect(unseal(text, 'k1')).toEqual({ diagnostics: [] });
  });
  it('are refused when corrupt, truncated, for another key, from another version or tampered with', () => {
    expect(unseal('\u0000garbage', 'k1')).toBeUndefined();
    expect(unseal(text.slice(0, text.length / 2), 'k1')).toBeUndefined();
    expect(unseal(text, 'k2')).toBeUndefined();
    const parsed = JSON.parse(text) as { fingerprint: string; value: unknown };
    expect(unseal(JSON.stringify({ ...parsed, fingerprint: parsed.fingerprint.replace(/"format":\d+/, '"format":0') }), 'k1')).toBeUndefined();
    expect(unseal(JSON.stringify({ ...parsed, value: { diagnostics: [{ message: 'forged' }] } }), 'k1')).toBeUndefined();
  });
});

describe('incremental generate', () => {
  it('ignores and rebuilds cache files that are corrupt, from another version or half written', { timeout: 300_000 }, async () => {
    const { cwd, cacheDir, out } = await project('cache-bad');
    const cold = await new GenerateSession({ specDir: '.', outDir: out, cwd, cacheDir: false }).run(false);
    const first = new GenerateSession({ specDir: '.', outDir: out, cwd, cacheDir });
    expect(await first.run(false)).toMatchObject({ diagnostics: cold.diagnostics, files: cold.files });
    await first.save();
    const files = await cacheFiles(cacheDir);
    expect(files.length).toBeGreaterThanOrEqual(6); // 3 parser verdicts + 3 memo kinds
    const good = new Map(await Promise.all(files.map(async (f) => [f, await readFile(f, 'utf8')] as const)));
    // Every file damaged a different way, round robin.
    const damage = [
      (t: string) => t.slice(0, Math.floor(t.length / 2)),
      (t: string) => t.replace(/"format":\d+/, '"format":1'),
      () => '{"not": "a cache entry"}',
      (t: string) => t.replace(/"value":/, '"value":{"diagnostics":[]},"was":'),
    ];
    await Promise.all(files.map((f, i) => writeFile(f, damage[i % damage.length]!(good.get(f)!))));

    const again = new GenerateSession({ specDir: '.', outDir: out, cwd, cacheDir });
    const result = await again.run(false);
    expect(result.diagnostics).toEqual(cold.diagnostics);
    expect(result.files).toEqual(cold.files);
    await again.save();
    // Rebuilt: every file is readable again and equal to what a clean run wrote.
    for (const f of files) expect(await readFile(f, 'utf8'), f).toBe(good.get(f));
  });

  it('two runs sharing a cache at once both give the cold result and leave it trustworthy', { timeout: 300_000 }, async () => {
    const { cwd, cacheDir, out } = await project('cache-concurrent');
    const cold = await loadContracts('.', { cwd, cacheDir: false });
    const [a, b] = await Promise.all([loadContracts('.', { cwd, cacheDir }), loadContracts('.', { cwd, cacheDir })]);
    expect(a).toEqual(cold);
    expect(b).toEqual(cold);
    expect((await readdir(join(cacheDir, 'parser'))).filter((f) => f.endsWith('.tmp'))).toEqual([]);
    expect(await loadContracts('.', { cwd, cacheDir })).toEqual(cold);
    void out;
  });

  it('--no-cache (cacheDir false) never reads the cache: a forged verdict is trusted only with the cache', { timeout: 300_000 }, async () => {
    const { cwd, cacheDir } = await project('cache-forged');
    const payment = join(cwd, 'shop/payment.yaml');
    await writeFile(payment, (await readFile(payment, 'utf8')).replace('type: topic, durable', 'type: topix, durable'));
    const cold = await loadContracts('.', { cwd, cacheDir: false });
    expect(cold.diagnostics).toContainEqual(expect.objectContaining({ file: 'shop/payment.yaml', rule: 'asyncapi-document-resolved', severity: 'error' }));
    // Forge "no problems" for every document, properly sealed, as a buggy earlier version might have.
    const { SourceSet } = await import('../../../src/compiler/load/sources.js');
    const { DiagnosticSink } = await import('../../../src/compiler/diagnostics.js');
    const sources = new SourceSet(new DiagnosticSink(), cwd);
    const docs = await Promise.all(['shop/order.yaml', 'shop/payment.yaml', 'shop/email.yaml'].map((f) => sources.load(join(cwd, f))));
    await sources.loadReferenced();
    const cache = openParserCache(cacheDir);
    for (const doc of docs) await cache.store(doc!, sources, { diagnostics: [] }, false);
    const trusted = await loadContracts('.', { cwd, cacheDir });
    expect(trusted.diagnostics.filter((d) => d.rule === 'asyncapi-document-resolved')).toEqual([]);
    expect(await loadContracts('.', { cwd, cacheDir: false })).toEqual(cold);
  });

  it('revalidates only documents that reach the edited node', { timeout: 300_000 }, async () => {
    const { cwd, cacheDir } = await project('cache-nodes');
    await loadContracts('.', { cwd, cacheDir });
    const entries = async () => (await readdir(join(cacheDir, 'parser'))).length;
    expect(await entries()).toBe(3);
    // A description nobody else references: only its own document is validated again.
    const order = join(cwd, 'shop/order.yaml');
    const text = await readFile(order, 'utf8');
    const edited = text.replace(/^(\s+)title: /m, '$1title: Edited ');
    expect(edited).not.toBe(text);
    await writeFile(order, edited);
    expect(await loadContracts('.', { cwd, cacheDir })).toEqual(await loadContracts('.', { cwd, cacheDir: false }));
    expect(await entries()).toBe(4);
  });

  it('a one-field edit changes that message’s validator module and a few lines elsewhere', { timeout: 300_000 }, async () => {
    const { cwd, cacheDir, out } = await project('one-field');
    const session = new GenerateSession({ specDir: '.', outDir: out, cwd, cacheDir });
    const before = (await session.run()).files!;
    const order = join(cwd, 'shop/order.yaml');
    await writeFile(order, (await readFile(order, 'utf8')).replace('        orderId: { type: integer }', '        orderId: { type: integer }\n        note: { type: string }'));
    const result = await session.run();
    const after = result.files!;
    expect(result.written!.written.filter((f) => f.startsWith('validators/'))).toHaveLength(1);
    let changed = 0;
    for (const [path, content] of after) {
      const old = (before.get(path) ?? '').split('\n');
      const now = content.split('\n');
      const counts = new Map<string, number>();
      for (const line of old) counts.set(line, (counts.get(line) ?? 0) + 1);
      for (const line of now) {
        const n = counts.get(line) ?? 0;
        if (n > 0) counts.set(line, n - 1);
        else changed++;
      }
    }
    expect(changed).toBeGreaterThan(0);
    expect(changed).toBeLessThanOrEqual(50);
  });
});

describe('generate --watch', () => {
  it('regenerates on save, survives a half-edited document without writing, and recovers', { timeout: 300_000 }, async () => {
    const { cwd, cacheDir, out } = await project('watch');
    const runs: { errors: number; written: readonly string[] | undefined }[] = [];
    const waiters: (() => void)[] = [];
    const nextRun = () => new Promise<void>((resolve) => waiters.push(resolve));
    const watcher = watchContracts({
      specDir: '.',
      outDir: out,
      cwd,
      cacheDir,
      onRun(outcome) {
        if (!outcome.result) throw outcome.error;
        runs.push({ errors: outcome.result.diagnostics.filter((d) => d.severity === 'error').length, written: outcome.result.written?.written });
        waiters.shift()?.();
      },
    });
    try {
      await watcher.ready;
      expect(runs[0]).toMatchObject({ errors: 0 });
      const typesFile = join(out, 'types/shop.ts');
      const good = await readFile(typesFile, 'utf8');
      const order = join(cwd, 'shop/order.yaml');
      const text = await readFile(order, 'utf8');

      let run = nextRun();
      await writeFile(order, text.replace('        orderId: { type: integer }', '        orderId: { type: integer\n        half'));
      await run;
      expect(runs.at(-1)!.errors).toBeGreaterThan(0);
      expect(runs.at(-1)!.written).toBeUndefined();
      expect(await readFile(typesFile, 'utf8')).toBe(good);

      run = nextRun();
      await writeFile(order, text.replace('        orderId: { type: integer }', '        orderId: { type: integer }\n        note: { type: string }'));
      await run;
      expect(runs.at(-1)!.errors).toBe(0);
      expect(runs.at(-1)!.written).toContain('types/shop.ts');
      expect(await readFile(typesFile, 'utf8')).toContain("'note'?: string;");
    } finally {
      await watcher.close();
    }
  });
});
