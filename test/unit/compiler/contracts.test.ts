/**
 * The project's own contracts (asyncapi/): every example of every message typechecks against
 * its generated type and passes its generated validator; mutated examples fail both.
 */
import { mkdir, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { emitAll, formatDiagnostic, loadContracts, type ContractModel } from '../../../src/compiler/index.js';
import { systemTypeNames } from '../../../src/compiler/emit/type-names.js';
import type { JsonSchema, MessageModel } from '../../../src/compiler/model.js';
import { writeOutput } from '../../../src/compiler/output.js';
import { repoRoot, tsc } from './support.js';

// Inside the repository (ignored by git) so the validators find ajv at runtime.
const out = join(repoRoot, '.eventplane', `test-contracts-${process.pid}`);
let model: ContractModel;

beforeAll(async () => {
  const result = await loadContracts('asyncapi', { cwd: repoRoot });
  expect(result.diagnostics.filter((d) => d.severity === 'error').map(formatDiagnostic)).toEqual([]);
  model = result.model!;
  await mkdir(out, { recursive: true });
  await writeOutput(out, await emitAll(model));
}, 300_000);

afterAll(() => rm(out, { recursive: true, force: true }));

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
type Schema = { [key: string]: unknown };

interface Mutation {
  readonly label: string;
  readonly value: Json;
  /** TypeScript can see this one too (structure, not formats or ranges). */
  readonly typed: boolean;
}

function resolveRoot(schema: JsonSchema): Schema | undefined {
  return typeof schema === 'object' && schema.type === 'object' && typeof schema.properties === 'object' ? (schema as Schema) : undefined;
}

/** Ways to break an object payload that its schema must catch. */
function mutations(schema: JsonSchema, example: Json): Mutation[] {
  const root = resolveRoot(schema);
  if (!root || typeof example !== 'object' || example === null || Array.isArray(example)) return [];
  const properties = root.properties as Record<string, Schema>;
  const out: Mutation[] = [];
  const required = (root.required as string[] | undefined) ?? [];
  const missing = required.find((k) => k in example);
  if (missing) {
    const { [missing]: _, ...rest } = example;
    out.push({ label: `without ${missing}`, value: rest, typed: true });
  }
  const stringKey = Object.keys(example).find((k) => properties[k]?.type === 'string' && properties[k]?.const === undefined);
  if (stringKey) out.push({ label: `${stringKey} as a number`, value: { ...example, [stringKey]: 12345 }, typed: true });
  const enumKey = Object.keys(example).find((k) => Array.isArray(properties[k]?.enum) && properties[k]?.type === 'string');
  if (enumKey) out.push({ label: `${enumKey} outside its enum`, value: { ...example, [enumKey]: 'not-a-member-of-the-enum' }, typed: true });
  if (root.additionalProperties === false) out.push({ label: 'with an unknown property', value: { ...example, unexpectedProperty: true }, typed: true });
  const formatKey = Object.keys(example).find((k) => ['uuid', 'date-time', 'email', 'uri'].includes(properties[k]?.format as string));
  if (formatKey) out.push({ label: `${formatKey} breaking its format`, value: { ...example, [formatKey]: 'not valid for the format' }, typed: false });
  return out;
}

describe('the contracts in asyncapi/', () => {
  it('have at least one example per message', () => {
    for (const system of model.systems) for (const message of system.messages) expect(message.examples.length, message.id).toBeGreaterThan(0);
  });

  it('examples pass the generated validators; mutated examples fail them', async () => {
    let checked = 0;
    let mutated = 0;
    for (const system of model.systems) {
      const messages = await import(join(out, `messages/${system.name}.ts`));
      const names = systemTypeNames(system);
      for (const message of system.messages) {
        const descriptor = messages[`${names.payload(message.id)}Message`];
        for (const example of message.examples) {
          expect(descriptor.validate(example.payload), `${message.id} ${example.name}: ${JSON.stringify(descriptor.validate.errors)}`).toBe(true);
          if (example.headers && descriptor.validateHeaders) expect(descriptor.validateHeaders(example.headers), `${message.id} headers`).toBe(true);
          checked++;
          for (const mutation of mutations(message.payload, example.payload as Json)) {
            expect(descriptor.validate(mutation.value), `${message.id} ${mutation.label}`).toBe(false);
            mutated++;
          }
        }
      }
    }
    expect(checked).toBeGreaterThan(50);
    expect(mutated).toBeGreaterThan(checked);
  });

  it('examples typecheck against the generated types; mutated examples do not', { timeout: 180_000 }, async () => {
    const lines: string[] = [];
    let n = 0;
    for (const system of model.systems) {
      const names = systemTypeNames(system);
      lines.push(`import type * as ${system.name} from './types/${system.name}.js';`);
      for (const message of system.messages as MessageModel[]) {
        const type = `${system.name}.${names.payload(message.id)}`;
        for (const example of message.examples) {
          lines.push(`export const example${n++}: ${type} = ${JSON.stringify(example.payload)};`);
          for (const mutation of mutations(message.payload, example.payload as Json).filter((m) => m.typed)) {
            lines.push(`// ${message.id}: ${mutation.label}`, '// @ts-expect-error', `export const mutated${n++}: ${type} = ${JSON.stringify(mutation.value)};`);
          }
        }
      }
    }
    await writeFile(join(out, 'examples.ts'), `${lines.join('\n')}\n`);
    const result = await tsc(out);
    expect(result.stdout + result.stderr).toBe('');
    expect(result.code).toBe(0);
  });
});
