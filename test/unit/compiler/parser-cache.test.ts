/** The parser cache: a warm run says exactly what a cold run says, and an edit invalidates what depends on it. */
import { cp, readdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { loadContracts } from '../../../src/compiler/index.js';
import { fixtures, tempDir } from './support.js';

const cleanup: (() => Promise<void>)[] = [];
afterAll(async () => {
  for (const remove of cleanup) await remove();
});

describe('parser cache', () => {
  it('gives cold-run diagnostics and revalidates every document that reaches an edited node, only those', { timeout: 300_000 }, async () => {
    const dir = await tempDir('cache');
    cleanup.push(dir.remove);
    const cwd = join(dir.path, 'project');
    await cp(join(fixtures, 'valid'), cwd, { recursive: true });
    const cacheDir = join(dir.path, 'cache');
    const entries = async () => (await readdir(join(cacheDir, 'parser')).catch(() => [])).length;

    const warm1 = await loadContracts('.', { cwd, cacheDir });
    expect(warm1.model).toBeDefined();
    expect(await entries()).toBe(3);
    expect(await loadContracts('.', { cwd, cacheDir })).toEqual(warm1);
    expect(await entries()).toBe(3);

    const payment = join(cwd, 'shop/payment.yaml');
    await writeFile(payment, (await readFile(payment, 'utf8')).replace('type: topic, durable', 'type: topix, durable'));
    const warm2 = await loadContracts('.', { cwd, cacheDir });
    const cold2 = await loadContracts('.', { cwd, cacheDir: false });
    expect(warm2).toEqual(cold2);
    expect(warm2.diagnostics).toContainEqual(expect.objectContaining({ file: 'shop/payment.yaml', rule: 'asyncapi-document-resolved', severity: 'error' }));
    // The edited binding is in payment.yaml's channels, which payment and order reach (order
    // $refs them); email reaches order.yaml but not those channels, so its verdict stands.
    expect(await entries()).toBe(5);
  });
});
