/**
 * The dependency rules (.dependency-cruiser.cjs, `npm run depcheck`) catch what they promise: a
 * tree with one deliberate offence per rule, cruised with the project's own configuration,
 * reports exactly those offences and nothing for the allowed imports beside them.
 */
import { execFile } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const run = promisify(execFile);
const repo = resolve(import.meta.dirname, '../../..');

const tree: Record<string, string> = {
  'tsconfig.json': JSON.stringify({ compilerOptions: { module: 'NodeNext', moduleResolution: 'NodeNext', strict: true } }),
  'package.json': JSON.stringify({ name: 'fixture', type: 'module' }),
  // Allowed: a service through the kit's door, its own files and the generated client.
  'src/service-kit/index.ts': "export { helper } from './helper.js';\n",
  'src/service-kit/helper.ts': "import type { Row } from '../durable/store.js';\nexport const helper = (row: Row) => row;\n",
  'src/durable/index.ts': "export type { Row } from './store.js';\n",
  'src/durable/store.ts': 'export interface Row { id: string }\n',
  'generated/clients/shop/order.ts': 'export const orderService = { id: "shop/order" };\n',
  'services/shop/order/service.ts':
    "import { helper } from '../../../src/service-kit/index.js';\nimport { orderService } from '../../../generated/clients/shop/order.js';\nimport { handlers } from './handlers.js';\nexport const order = { helper, orderService, handlers };\n",
  'services/shop/order/handlers.ts': 'export const handlers = {};\n',
  // Offence: a service reaching past the door into an internal module (a type-only import counts).
  'services/shop/cart/repository.ts': "import type { Row } from '../../../src/durable/store.js';\nexport type CartRow = Row;\n",
  // Offence: a service importing another service's files.
  'services/shop/payment/service.ts': "import { handlers } from '../order/handlers.js';\nexport const payment = handlers;\n",
  // Offence: a back-edge, durable → compiler.
  'src/compiler/model/policies.ts': 'export const durationMs = (v: string) => Number(v);\n',
  'src/durable/saga.ts': "import { durationMs } from '../compiler/model/policies.js';\nexport const timeout = durationMs('1');\n",
  // Offence: the leaf importing the command line.
  'src/cli/user-error.ts': 'export class UserError extends Error {}\n',
  'src/shared/errors.ts': "export { UserError } from '../cli/user-error.js';\n",
  // Offence: a type-only cycle.
  'src/cli/main.ts': "import type { Options } from './commands/run.js';\nexport interface Command { run(o: Options): void }\n",
  'src/cli/commands/run.ts': "import type { Command } from '../main.js';\nexport interface Options { command?: Command }\n",
};

describe('dependency rules', () => {
  let dir: string;
  let violations: { rule: string; from: string; to: string }[];

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'eventplane-depcheck-'));
    for (const [path, text] of Object.entries(tree)) {
      mkdirSync(dirname(join(dir, path)), { recursive: true });
      writeFileSync(join(dir, path), text);
    }
    const cli = join(repo, 'node_modules/dependency-cruiser/bin/dependency-cruise.mjs');
    const result = await run(process.execPath, [cli, 'src', 'services', 'generated', '--config', join(repo, '.dependency-cruiser.cjs'), '--output-type', 'json'], { cwd: dir }).catch(
      (error: { stdout: string }) => error,
    );
    const report = JSON.parse(result.stdout) as { summary: { violations: { rule: { name: string }; from: string; to: string }[] } };
    violations = report.summary.violations.map((v) => ({ rule: v.rule.name, from: v.from, to: v.to }));
  }, 60_000);

  afterAll(() => {
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('fails a service importing an internal module instead of a public entry point', () => {
    expect(violations).toContainEqual({ rule: 'service-public-doors', from: 'services/shop/cart/repository.ts', to: 'src/durable/store.ts' });
  });

  it("fails a service importing another service's files", () => {
    expect(violations).toContainEqual({ rule: 'service-own-folder', from: 'services/shop/payment/service.ts', to: 'services/shop/order/handlers.ts' });
  });

  it('fails back-edges between layers', () => {
    expect(violations).toContainEqual({ rule: 'layer-durable', from: 'src/durable/saga.ts', to: 'src/compiler/model/policies.ts' });
    expect(violations).toContainEqual({ rule: 'layer-shared', from: 'src/shared/errors.ts', to: 'src/cli/user-error.ts' });
  });

  it('fails type-only cycles', () => {
    const cycles = violations.filter((v) => v.rule === 'no-circular');
    expect(cycles).toHaveLength(1);
    expect([cycles[0]!.from, cycles[0]!.to].sort()).toEqual(['src/cli/commands/run.ts', 'src/cli/main.ts']);
  });

  it('reports nothing else: imports through the doors, within a layer and down the layers pass', () => {
    expect(violations).toHaveLength(5);
  });
});
