import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { OutputDirectoryError, writeSite } from '../../../src/catalog/write-site.js';

const root = mkdtempSync(join(tmpdir(), 'catalog-write-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

describe('writeSite', () => {
  it('writes pages and the static assets, and replaces its own previous output', async () => {
    const out = join(root, 'site');
    const first = await writeSite(out, new Map([['index.html', '<h1>a</h1>'], ['systems/shop/events/Gone.html', 'old']]));
    expect(first.files).toBe(6);
    expect(readFileSync(join(out, 'assets/catalog.css'), 'utf8')).toContain(':root');
    expect(readFileSync(join(out, 'assets/search.js'), 'utf8')).toContain('EVENTPLANE_SEARCH');
    await writeSite(out, new Map([['index.html', '<h1>b</h1>']]));
    expect(readFileSync(join(out, 'index.html'), 'utf8')).toBe('<h1>b</h1>');
    expect(existsSync(join(out, 'systems/shop/events/Gone.html'))).toBe(false);
  });

  it('refuses to replace a non-empty directory it did not write', async () => {
    const foreign = join(root, 'foreign');
    mkdirSync(foreign);
    writeFileSync(join(foreign, 'notes.txt'), 'keep me');
    await expect(writeSite(foreign, new Map([['index.html', 'x']]))).rejects.toThrow(OutputDirectoryError);
    expect(readFileSync(join(foreign, 'notes.txt'), 'utf8')).toBe('keep me');
  });
});
