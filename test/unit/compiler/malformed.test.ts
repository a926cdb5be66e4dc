/**
 * The malformed corpus (test/fixtures/specs/malformed): every marked problem is reported at
 * its file and line with its rule, nothing else is an error, and the CLI exits 1 without a
 * stack trace.
 */
import { readdir, readFile } from 'node:fs/promises';
import { join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';
import { formatDiagnostic, loadContracts } from '../../../src/compiler/index.js';
import { eventplane, fixtures } from './support.js';

const corpus = join(fixtures, 'malformed');

interface Expected {
  readonly file: string;
  readonly line: number;
  readonly rule: string;
  readonly severity: 'error' | 'warning';
}

async function yamlFiles(dir: string): Promise<string[]> {
  const out: string[] = [];
  for (const entry of await readdir(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) out.push(...(await yamlFiles(path)));
    else if (/\.ya?ml$/.test(entry.name)) out.push(path);
  }
  return out.sort();
}

/** `# expect: rule[, rule]` / `# expect-warning: rule` markers. */
async function expectations(dir: string): Promise<Expected[]> {
  const out: Expected[] = [];
  for (const path of await yamlFiles(dir)) {
    const lines = (await readFile(path, 'utf8')).split('\n');
    lines.forEach((text, i) => {
      const match = /# expect(-warning)?: (.+)$/.exec(text);
      if (!match) return;
      for (const rule of match[2]!.split(',').map((r) => r.trim())) {
        out.push({ file: relative(dir, path), line: i + 1, rule, severity: match[1] ? 'warning' : 'error' });
      }
    });
  }
  return out;
}

const cases = (await readdir(corpus, { withFileTypes: true })).filter((e) => e.isDirectory()).map((e) => e.name).sort();

describe('malformed contracts', () => {
  it('has a case for each problem the issue names', () => {
    for (const name of ['bad-yaml', 'broken-ref', 'wrong-amqp-binding', 'unknown-extension', 'missing-payload', 'duplicate-routing-key']) {
      expect(cases).toContain(name);
    }
  });

  it.each(cases)('%s: reports each marked problem at its line, and no other error', { timeout: 120_000 }, async (name) => {
    const dir = join(corpus, name);
    const expected = await expectations(dir);
    expect(expected.length).toBeGreaterThan(0);
    const result = await loadContracts('.', { cwd: dir });
    expect(result.model).toBeUndefined();
    const printed = result.diagnostics.map(formatDiagnostic).join('\n');
    for (const e of expected) {
      const found = result.diagnostics.some((d) => d.file === e.file && d.line === e.line && d.rule === e.rule && d.severity === e.severity);
      expect(found, `${e.file}:${e.line} ${e.severity} (${e.rule}) not in:\n${printed}`).toBe(true);
    }
    for (const d of result.diagnostics.filter((x) => x.severity === 'error')) {
      const marked = expected.some((e) => e.file === d.file && e.line === d.line && e.rule === d.rule);
      expect(marked, `unexpected ${formatDiagnostic(d)}`).toBe(true);
    }
  });
});

describe('the CLI on malformed contracts', () => {
  it.each(['bad-yaml', 'broken-ref', 'duplicate-routing-key', 'unknown-extension'])(
    '%s: generate prints file:line:col diagnostics and exits 1, without a stack trace',
    { timeout: 120_000 },
    async (name) => {
      const dir = join(corpus, name);
      const result = await eventplane(['generate', '--spec', '.', '--out', 'never-written'], dir);
      expect(result.code).toBe(1);
      const lines = result.stderr.trim().split('\n');
      const diagnostics = lines.filter((l) => /^[^:]+:\d+:\d+: (error|warning): .+ \([\w-]+\)$/.test(l));
      expect(diagnostics.length).toBeGreaterThan(0);
      for (const e of (await expectations(dir)).filter((x) => x.severity === 'error')) {
        expect(diagnostics.some((l) => l.startsWith(`${e.file}:${e.line}:`) && l.endsWith(`(${e.rule})`))).toBe(true);
      }
      expect(lines[lines.length - 1]).toMatch(/^\d+ errors?, \d+ warnings?; nothing generated$/);
      expect(result.stderr).not.toMatch(/\n\s+at /);
      expect(result.stdout).toBe('');
    },
  );

  it('validate exits 1 with the same diagnostics', { timeout: 120_000 }, async () => {
    const result = await eventplane(['validate', '--spec', '.'], join(corpus, 'missing-payload'));
    expect(result.code).toBe(1);
    expect(result.stderr).toContain('shop/order.yaml:21:5: error: message OrderCreated has no payload schema (ep-message-schema)');
  });
});
