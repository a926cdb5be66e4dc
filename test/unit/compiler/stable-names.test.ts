/**
 * Validators with content-named locals (emit/stable-names.ts) validate exactly like ajv's own
 * code, and adding a property changes only the lines of that property.
 */
import standaloneModule from 'ajv/dist/standalone/index.js';
import { describe, expect, it } from 'vitest';
import { stableLocalNames } from '../../../src/compiler/emit/stable-names.js';
import { standaloneAjv } from '../../../src/compiler/schema-compiler.js';

const standaloneCode = standaloneModule.default;

/** Properties named like ajv's locals, nesting, arrays, oneOf (_errs, valid, passing) and patterns. */
const schema = {
  type: 'object',
  additionalProperties: false,
  required: ['err0', 'data1'],
  properties: {
    err0: { type: 'integer', minimum: 0 },
    data1: { type: 'object', required: ['key0'], additionalProperties: false, properties: { key0: { type: 'string', pattern: '^[a-z]+$' }, i0: { type: 'number' } } },
    lines: { type: 'array', minItems: 1, items: { type: 'object', required: ['sku'], properties: { sku: { type: 'string' }, qty: { type: 'integer', minimum: 1 } } } },
    choice: { oneOf: [{ type: 'string', enum: ['a', 'b'] }, { type: 'integer', maximum: 3 }] },
    either: { anyOf: [{ type: 'boolean' }, { type: 'null' }] },
  },
};

const inputs: unknown[] = [
  { err0: 1, data1: { key0: 'abc' } },
  { err0: -1, data1: { key0: 'ABC', i0: 'x', extra: 1 } },
  { err0: 1, data1: { key0: 'a' }, lines: [{ sku: 'x', qty: 2 }, { qty: 0 }, 'no'], choice: 'a', either: null },
  { err0: 1, data1: { key0: 'a' }, lines: [], choice: 9, either: 'yes', unknown: true },
  { err0: 1.5, data1: [] },
  'not an object',
  null,
];

type Validate = ((data: unknown) => boolean) & { errors?: unknown };

async function load(code: string): Promise<Validate> {
  const module = (await import(`data:text/javascript;base64,${Buffer.from(code).toString('base64')}`)) as { V: Validate };
  return module.V;
}

function compile(s: object): string {
  const ajv = standaloneAjv([s]);
  ajv.addSchema(s, 'm');
  return standaloneCode(ajv, { V: 'm' });
}

describe('stable local names', () => {
  it('validate and report errors exactly like the code ajv wrote', async () => {
    const original = compile(schema);
    const stable = stableLocalNames(original);
    expect(stable).not.toBe(original);
    expect(stable).not.toMatch(/\b(?:const|let|var) (?:err|data|key|len|_errs|valid|passing)\d+\b/);
    const [a, b] = [await load(original), await load(stable)];
    for (const input of inputs) {
      expect(b(input), JSON.stringify(input)).toBe(a(input));
      expect(b.errors).toEqual(a.errors);
    }
  });

  it('an added property changes its own lines, not the names of everything after it', () => {
    const before = stableLocalNames(compile(schema)).split('\n');
    const edited = { ...schema, properties: { note: { type: 'string' }, ...schema.properties } };
    const after = stableLocalNames(compile(edited)).split('\n');
    const old = new Map<string, number>();
    for (const line of before) old.set(line, (old.get(line) ?? 0) + 1);
    const added = after.filter((line) => {
      const n = old.get(line) ?? 0;
      if (n > 0) old.set(line, n - 1);
      return n === 0;
    });
    // ajv's own numbering rewrites most of the function; named by content only a handful change.
    const rawBefore = new Set(compile(schema).split('\n'));
    const rawChanged = compile(edited)
      .split('\n')
      .filter((line) => !rawBefore.has(line)).length;
    expect(rawChanged).toBeGreaterThan(40);
    expect(added.length).toBeLessThanOrEqual(20);
  });

  it('leaves code it does not recognise as ajv wrote it', () => {
    const odd = 'function validate0(data){\nconst err0 = 1;\nreturn err0;\n}';
    expect(stableLocalNames(odd)).toBe(odd);
  });
});
