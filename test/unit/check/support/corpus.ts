/**
 * The corpus harness. test/fixtures/check/<rule>/<case>/{before,after}/ are spec files
 * laid over test/fixtures/check/_base/, compiled by the real compiler and compared by the real
 * check. expected.yaml lists every finding the case must produce (and no other), with its
 * classification; `at` pins the line a schema change is reported at.
 */
import { createHash } from 'node:crypto';
import { cp, mkdtemp, readdir, readFile, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { diffContracts } from '../../../../src/check/contract-diff.js';
import type { Finding } from '../../../../src/check/findings.js';
import { SchemaLocator } from '../../../../src/check/locate-schema.js';
import { simulateRouting } from '../../../../src/check/routing/simulate.js';
import { RULES_BY_ID } from '../../../../src/check/rules.js';
import { buildTopology } from '../../../../src/compiler/emit/topology.js';
import { formatDiagnostic, loadContracts } from '../../../../src/compiler/index.js';
import type { ContractModel } from '../../../../src/compiler/model.js';

const FIXTURES = join(import.meta.dirname, '../../../fixtures/check');

interface Expected {
  readonly summary: string;
  readonly omit?: { readonly before?: readonly string[]; readonly after?: readonly string[] };
  readonly contract?: ReadonlyArray<Record<string, string>>;
  readonly routing?: ReadonlyArray<Record<string, string>>;
}

async function cases(): Promise<Array<{ rule: string; name: string; dir: string }>> {
  const out = [];
  for (const rule of (await readdir(FIXTURES)).sort()) {
    if (rule.startsWith('_') || !(await stat(join(FIXTURES, rule))).isDirectory()) continue;
    for (const name of (await readdir(join(FIXTURES, rule))).sort()) out.push({ rule, name, dir: join(FIXTURES, rule, name) });
  }
  return out;
}


/** _base with the case's side laid over it, minus omitted files; returns the spec dir. */
async function assemble(dir: string, side: 'before' | 'after', expected: Expected, into: string): Promise<string> {
  const spec = join(into, side);
  await cp(join(FIXTURES, '_base'), spec, { recursive: true, filter: (src) => !src.endsWith('README.md') });
  await cp(join(dir, side), spec, { recursive: true, filter: (src) => !src.endsWith('.keep') });
  for (const file of expected.omit?.[side] ?? []) await rm(join(spec, file));
  return spec;
}

/**
 * Compiling is the slow part (the AsyncAPI parser), and many cases share a side (most `before`s
 * are _base itself): models are reused by the content of the tree. File names in the model are
 * relative to the case root (`before/shop/order.yaml`), so a reused model fits any case.
 */
const models = new Map<string, Promise<ContractModel>>();

async function load(spec: string, cwd: string): Promise<ContractModel> {
  const hash = createHash('sha256');
  const walk = async (dir: string) => {
    for (const entry of (await readdir(dir, { withFileTypes: true })).sort((a, b) => a.name.localeCompare(b.name))) {
      const path = join(dir, entry.name);
      if (entry.isDirectory()) await walk(path);
      else hash.update(`${path.slice(cwd.length)}\0${await readFile(path, 'utf8')}\0`);
    }
  };
  await walk(spec);
  const key = hash.digest('hex');
  let model = models.get(key);
  if (!model) {
    model = loadContracts(spec.slice(cwd.length + 1), { cwd }).then((result) => {
      if (!result.model) throw new Error(`the fixture does not compile:\n${result.diagnostics.map(formatDiagnostic).join('\n')}`);
      return result.model;
    });
    models.set(key, model);
  }
  return model;
}

/** The classification a case asserts: rule and severity, plus field and direction where the finding has them. */
function classify(f: Finding): Record<string, string> {
  return {
    rule: f.rule,
    severity: f.severity,
    ...(f.field !== undefined ? { field: f.field } : {}),
    ...(f.consumers ? { consumers: f.consumers } : {}),
    ...(f.producers ? { producers: f.producers } : {}),
  };
}

const key = (e: Record<string, string>) => JSON.stringify(Object.fromEntries(Object.entries(e).filter(([k]) => k !== 'at').sort()));

/** Declares one test per case whose rule `select` accepts. */
export async function corpusSuite(title: string, select: (rule: string) => boolean): Promise<void> {
  const selected = (await cases()).filter((c) => select(c.rule));
  const work = await mkdtemp(join(tmpdir(), 'eventplane-check-corpus-'));
  afterAll(() => rm(work, { recursive: true, force: true }));

  describe(title, () => {
    it('names only rules the check has', () => {
      expect(selected.length).toBeGreaterThan(0);
      for (const { rule } of selected) if (rule !== 'no-change') expect(RULES_BY_ID.has(rule), rule).toBe(true);
    });

    it.each(selected.map((c) => [`${c.rule}/${c.name}`, c] as const))('%s', async (_, c) => {
      const expected = parse(await readFile(join(c.dir, 'expected.yaml'), 'utf8')) as Expected;
      const root = await mkdtemp(join(work, `${c.rule}-${c.name}-`));
      const before = await load(await assemble(c.dir, 'before', expected, root), root);
      const after = await load(await assemble(c.dir, 'after', expected, root), root);

      if (expected.contract) {
        const side = { cwd: root, fileOnDisk: (f: string) => f, fileInReport: (f: string) => f };
        const locator = new SchemaLocator({ head: side, base: side });
        const findings = await Promise.all(diffContracts(before, after).findings.map((f) => locator.refine(f)));
        expect(findings.map(classify).map(key).sort(), expected.summary).toEqual(expected.contract.map(key).sort());
        // Every finding says where, and every error says how to fix it.
        for (const f of findings) {
          expect(f.location, f.message).toBeDefined();
          if (f.severity === 'error') expect(f.help, f.message).toBeTruthy();
        }
        for (const e of expected.contract.filter((x) => x.at !== undefined)) {
          const match = findings.find((f) => key(classify(f)) === key(e))!;
          const at = `${match.location!.file.replace(/^(before|after)\//, '')}:${match.location!.line}`;
          expect(at, `${e.rule} is reported at`).toBe(e.at);
        }
      }
      if (expected.routing) {
        const routing = simulateRouting(after, buildTopology(after)).findings;
        expect(routing.map((f) => key({ rule: f.rule, severity: f.severity })).sort(), expected.summary).toEqual(expected.routing.map(key).sort());
      }
    });
  });
}
