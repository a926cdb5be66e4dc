/**
 * `eventplane catalog` as a user runs it: a real process through bin/eventplane.js, building
 * from a small synthetic contract set, serving on 127.0.0.1, stopping on Ctrl-C; and its
 * errors, which are one line each with no stack trace.
 */
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { writeSyntheticSpecs } from '../../bench/synthetic-spec.js';

const BIN = resolve('bin/eventplane.js');
let dir: string;
let specDir: string;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'catalog-cli-'));
  specDir = join(dir, 'asyncapi');
  await writeSyntheticSpecs(specDir, 20);
});

afterAll(() => rmSync(dir, { recursive: true, force: true }));

function cli(...args: string[]) {
  return spawnSync(process.execPath, [BIN, 'catalog', ...args], { encoding: 'utf8', timeout: 120_000 });
}

describe('eventplane catalog', () => {
  it('builds the site, serves it on 127.0.0.1 with the URL printed, and stops on SIGINT', async () => {
    const out = join(dir, 'site');
    const child = spawn(process.execPath, [BIN, 'catalog', '--spec', specDir, '--out', out, '--serve', '--port', '0'], { stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
    const exited = new Promise<number | null>((ok) => child.on('exit', (code) => ok(code)));
    try {
      const url = await new Promise<string>((ok, fail) => {
        child.stdout.on('data', (c: Buffer) => {
          stdout += c.toString();
          const m = /Serving the catalog at (http:\/\/127\.0\.0\.1:\d+\/)/.exec(stdout);
          if (m) ok(m[1]!);
        });
        void exited.then((code) => fail(new Error(`exited with ${code} before serving:\n${stderr}`)));
      });
      expect(stdout).toMatch(/Catalog: 20 events, 2 services, 1 systems → .*index\.html/);
      expect(stderr).toMatch(/loaded 1 systems, 2 services, 20 events/);
      expect(stderr).toMatch(/rendered \d+ pages/);

      const index = await fetch(url);
      expect(index.status).toBe(200);
      expect(await index.text()).toContain('<h1>Event catalog</h1>');
      const event = await fetch(`${url}systems/sys00/events/Svc00Event3.html`);
      expect(event.status).toBe(200);
      expect(await event.text()).toContain('sys00.svc00.event3');
      const missing = await fetch(`${url}systems/sys00/events/Nope.html`);
      expect(missing.status).toBe(404);
      expect(await missing.text()).toContain('Page not found');
    } finally {
      child.kill('SIGINT');
    }
    expect(await exited).toBe(0);
    expect(existsSync(join(out, 'index.html'))).toBe(true);
    expect(readFileSync(join(out, 'search-index.js'), 'utf8')).toContain('Svc01Event9');
  });

  it('refuses to overwrite a folder it did not write, before loading anything', () => {
    const foreign = join(dir, 'foreign');
    mkdirSync(foreign);
    writeFileSync(join(foreign, 'thesis.md'), 'keep me');
    const r = cli('--spec', specDir, '--out', foreign);
    expect(r.status).toBe(1);
    expect(r.stderr).toContain(`eventplane catalog: ${foreign} is not empty and was not written by eventplane catalog`);
    expect(r.stderr).not.toMatch(/\n\s+at /);
    expect(readFileSync(join(foreign, 'thesis.md'), 'utf8')).toBe('keep me');
  });

  it('explains bad flags and broken contracts in one line each', () => {
    const port = cli('--port', '8080');
    expect(port.status).toBe(1);
    expect(port.stderr).toContain('--port only applies with --serve');

    const broken = join(dir, 'broken');
    mkdirSync(join(broken, 'shop'), { recursive: true });
    // The house profile blocks only where a project opts into `strict` (no config = recommended).
    writeFileSync(join(broken, 'eventplane.config.yaml'), 'extends: strict\n');
    writeFileSync(join(broken, 'shop', 'order.yaml'), 'asyncapi: 3.0.0\ninfo:\n  title: order\n  version: 1.0.0\n');
    const r = cli('--spec', broken, '--out', join(dir, 'broken-out'));
    expect(r.status).toBe(1);
    expect(r.stderr).toMatch(/order\.yaml:\d+:\d+: error: .*\(ep-owner\)/);
    expect(r.stderr).toMatch(/eventplane catalog: the contracts have \d+ errors?; the catalog was not built/);
    expect(r.stderr).not.toMatch(/\n\s+at /);
  });
});
