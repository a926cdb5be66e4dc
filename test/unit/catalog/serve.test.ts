import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { serveCatalog, type CatalogServer } from '../../../src/catalog/serve.js';

let dir: string;
let server: CatalogServer;

/** Raw GET so the path reaches the server exactly as written (no client-side normalisation). */
function get(path: string, method = 'GET'): Promise<{ status: number; type?: string; location?: string; body: string }> {
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port: server.port, path, method }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (c: string) => (body += c));
      res.on('end', () => resolve({ status: res.statusCode!, type: res.headers['content-type'], location: res.headers.location, body }));
    });
    req.on('error', reject);
    req.end();
  });
}

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'catalog-serve-'));
  mkdirSync(join(dir, 'site/systems/shop'), { recursive: true });
  writeFileSync(join(dir, 'site/index.html'), '<h1>index</h1>');
  writeFileSync(join(dir, 'site/404.html'), '<h1>not found page</h1>');
  writeFileSync(join(dir, 'site/systems/shop/index.html'), '<h1>shop</h1>');
  writeFileSync(join(dir, 'site/systems/shop/flow.svg'), '<svg/>');
  writeFileSync(join(dir, 'secret.txt'), 'outside the site');
  server = await serveCatalog(join(dir, 'site'), 0);
});

afterAll(async () => {
  await server.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('serveCatalog', () => {
  it('listens on 127.0.0.1 on a free port and serves files with their types', async () => {
    expect(server.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/$/);
    expect(await get('/')).toMatchObject({ status: 200, type: 'text/html; charset=utf-8', body: '<h1>index</h1>' });
    expect(await get('/systems/shop/flow.svg')).toMatchObject({ status: 200, type: 'image/svg+xml' });
    expect(await get('/systems/shop/')).toMatchObject({ status: 200, body: '<h1>shop</h1>' });
  });

  it('redirects a directory without its slash so relative links keep working', async () => {
    expect(await get('/systems/shop')).toMatchObject({ status: 301, location: '/systems/shop/' });
  });

  it('answers unknown paths with the catalog 404 page and never leaves the site directory', async () => {
    expect(await get('/systems/nope.html')).toMatchObject({ status: 404, body: '<h1>not found page</h1>' });
    expect((await get('/../secret.txt')).status).toBe(404);
    expect((await get('/%2e%2e/secret.txt')).status).toBe(404);
    expect((await get('/x%00.html')).status).toBe(404);
  });

  it('is read-only', async () => {
    expect((await get('/index.html', 'POST')).status).toBe(405);
    expect(await get('/index.html', 'HEAD')).toMatchObject({ status: 200, body: '' });
  });
});
