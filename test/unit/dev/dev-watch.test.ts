/**
 * `npm run dev`'s loop: a contract save regenerates, prints one summary line, and restarts the
 * services whose module graph reaches a written file — and only those; a half-edited save
 * prints its diagnostics and restarts nothing.
 */
import { cp, mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { servicesReaching } from '../../../scripts/dev/services-reaching.js';
import { watchServices } from '../../../scripts/dev/watch-services.js';
import { GenerateSession } from '../../../src/compiler/generate.js';
import { fixtures, tempDir } from '../compiler/support.js';

const cleanup: (() => Promise<void>)[] = [];
afterAll(async () => {
  for (const remove of cleanup) await remove();
});

/** A project with the valid fixture's contracts and two services: one on the shop order client, one on nothing generated. */
async function project() {
  const dir = await tempDir('dev-watch');
  cleanup.push(dir.remove);
  const cwd = dir.path;
  await cp(join(fixtures, 'valid'), join(cwd, 'asyncapi'), { recursive: true });
  await mkdir(join(cwd, 'services/order'), { recursive: true });
  await mkdir(join(cwd, 'services/other'), { recursive: true });
  await writeFile(join(cwd, 'services/order/main.ts'), "import { start } from './service.js';\nstart();\n");
  await writeFile(join(cwd, 'services/order/service.ts'), "import '../../generated/clients/shop/order.js';\nexport function start() {}\n");
  await writeFile(join(cwd, 'services/other/main.ts'), "import { x } from './local.js';\nvoid x;\n");
  await writeFile(join(cwd, 'services/other/local.ts'), 'export const x = 1;\n');
  const services = [
    { id: 'shop/order', main: join(cwd, 'services/order/main.ts') },
    { id: 'other/other', main: join(cwd, 'services/other/main.ts') },
  ];
  return { cwd, services, cacheDir: join(cwd, 'cache') };
}

describe('services reaching written files', () => {
  it('follows relative imports (.js to .ts) through generated code; unrelated services are left alone', async () => {
    const { cwd, services } = await project();
    await mkdir(join(cwd, 'generated/clients/shop'), { recursive: true });
    await mkdir(join(cwd, 'generated/types'), { recursive: true });
    await writeFile(join(cwd, 'generated/clients/shop/order.ts'), "import type * as T from '../../types/shop.js';\nexport type X = T.Y;\n");
    await writeFile(join(cwd, 'generated/types/shop.ts'), 'export type Y = 1;\n');
    expect(servicesReaching([join(cwd, 'generated/types/shop.ts')], services)).toEqual(['shop/order']);
    expect(servicesReaching([join(cwd, 'services/other/local.ts')], services)).toEqual(['other/other']);
    expect(servicesReaching([join(cwd, 'generated/types/clinic.ts')], services)).toEqual([]);
    expect(servicesReaching([], services)).toEqual([]);
  });
});

describe('watch with service restarts', () => {
  it('restarts the service using the changed code on save, prints one summary line per run, and survives a half edit', { timeout: 300_000 }, async () => {
    const { cwd, services, cacheDir } = await project();
    // As `npm run dev` does: generate once before the services start, then watch.
    await new GenerateSession({ specDir: 'asyncapi', outDir: 'generated', cwd, cacheDir }).run();
    const lines: string[] = [];
    const restarted: string[] = [];
    const runs: (() => void)[] = [];
    const batches: ((ids: readonly string[]) => void)[] = [];
    const summaries = () => lines.filter((l) => /^\[\d\d:\d\d:\d\d\] /.test(l));
    const say = (line: string) => {
      lines.push(line);
      if (/^\[\d\d:\d\d:\d\d\] /.test(line)) runs.shift()?.();
    };
    const nextRun = () => new Promise<void>((resolve) => runs.push(resolve));
    const nextBatch = () => new Promise<readonly string[]>((resolve) => batches.push(resolve));
    const firstRun = nextRun();
    const watcher = watchServices({
      services,
      cwd,
      cacheDir,
      say,
      restart: async (id) => void restarted.push(id),
      onRestarted: (ids) => batches.shift()?.(ids),
    });
    try {
      await watcher.ready;
      await firstRun;
      expect(summaries()).toHaveLength(1);
      expect(summaries()[0]).toMatch(/generated \d+ files in generated \(0 written, \d+ unchanged\)/);
      expect(restarted).toEqual([]);
      const order = join(cwd, 'asyncapi/shop/order.yaml');
      const text = await readFile(order, 'utf8');

      // Half-edited: diagnostics printed, nothing written, nobody restarted.
      let run = nextRun();
      await writeFile(order, text.replace('        orderId: { type: integer }', '        orderId: { type: integer\n        half'));
      await run;
      expect(summaries().at(-1)).toMatch(/error.*nothing written/);
      expect(lines.some((l) => /shop\/order\.yaml:\d+:\d+/.test(l))).toBe(true);
      expect(restarted).toEqual([]);

      // A field added: one summary line, files written, the order service (and only it) restarted.
      run = nextRun();
      const batch = nextBatch();
      await writeFile(order, text.replace('        orderId: { type: integer }', '        orderId: { type: integer }\n        note: { type: string }'));
      await run;
      expect(summaries().at(-1)).toMatch(/generated \d+ files in generated \([1-9]\d* written, \d+ unchanged\) in [\d.]+ s \(.*order\.yaml changed\)$/);
      expect(await batch).toEqual(['shop/order']);
      expect(restarted).toEqual(['shop/order']);
      expect(lines).toContain('restarting shop/order: their generated code changed');
    } finally {
      await watcher.close();
    }
  });
});
