import { describe, expect, it } from 'vitest';
import type { JsonSchema } from '../../../src/compiler/model.js';
import { diffSchemas } from '../../../src/check/schema/diff.js';

/** `rule field consumers/producers`, one per change, sorted. */
function classify(base: JsonSchema, head: JsonSchema): string[] {
  return diffSchemas(base, head)
    .map((c) => `${c.rule} ${c.field || '(root)'} ${c.consumers}/${c.producers}`)
    .sort();
}

const obj = (properties: Record<string, unknown>, extra: Record<string, unknown> = {}): JsonSchema => ({
  type: 'object',
  properties,
  ...extra,
});

describe('diffSchemas', () => {
  it('finds nothing between schemas that accept the same values', () => {
    const a = obj({ id: { type: 'string', description: 'old words' }, n: { type: 'integer' } }, { required: ['id', 'n'] });
    const b = { required: ['n', 'id'], properties: { n: { type: 'integer' }, id: { description: 'new words', type: 'string' } }, type: 'object' };
    expect(classify(a, b)).toEqual([]);
  });

  describe('types', () => {
    it.each([
      ['integer → number widens (consumers)', 'integer', 'number', 'type-widened (root) breaking/none'],
      ['number → integer narrows (producers)', 'number', 'integer', 'type-narrowed (root) none/breaking'],
      ['string → integer breaks both', 'string', 'integer', 'type-changed (root) breaking/breaking'],
      ['string → [string, null] widens', 'string', ['string', 'null'], 'type-widened (root) breaking/none'],
      ['[string, null] → string narrows', ['string', 'null'], 'string', 'type-narrowed (root) none/breaking'],
    ])('%s', (_, from, to, expected) => {
      expect(classify({ type: from }, { type: to })).toEqual([expected]);
    });

    it('does not compare the keywords of a type that is gone', () => {
      expect(classify({ type: 'string', maxLength: 3 }, { type: 'integer', maximum: 3 })).toEqual(['type-changed (root) breaking/breaking']);
    });
  });

  describe('required and properties', () => {
    it('required added to an existing property breaks producers only', () => {
      expect(classify(obj({ a: { type: 'string' } }), obj({ a: { type: 'string' } }, { required: ['a'] }))).toEqual([
        'required-added a none/breaking',
      ]);
    });
    it('a new required property breaks producers only', () => {
      expect(classify(obj({}), obj({ b: { type: 'string' } }, { required: ['b'] }))).toEqual(['required-added b none/breaking']);
    });
    it('required removed breaks consumers only', () => {
      expect(classify(obj({ a: { type: 'string' } }, { required: ['a'] }), obj({ a: { type: 'string' } }))).toEqual([
        'required-removed a breaking/none',
      ]);
    });
    it('an optional property added to an open object is safe', () => {
      expect(classify(obj({}), obj({ b: { type: 'string' } }))).toEqual(['property-added b none/none']);
    });
    it('a property added to a closed object breaks consumers', () => {
      expect(classify(obj({}, { additionalProperties: false }), obj({ b: { type: 'string' } }, { additionalProperties: false }))).toEqual([
        'property-added b breaking/none',
      ]);
    });
    it('a required property removed breaks consumers; from a closed object also producers', () => {
      expect(classify(obj({ a: { type: 'string' } }, { required: ['a'] }), obj({}))).toEqual(['property-removed a breaking/none']);
      expect(
        classify(obj({ a: { type: 'string' } }, { required: ['a'], additionalProperties: false }), obj({}, { additionalProperties: false })),
      ).toEqual(['property-removed a breaking/breaking']);
    });
    it('an optional property removed is risky for consumers', () => {
      expect(classify(obj({ a: { type: 'string' }, b: { type: 'integer' } }), obj({ b: { type: 'integer' } }))).toEqual([
        'property-removed a risky/none',
      ]);
    });
    it('a removed and an added property of the same shape are one rename', () => {
      expect(
        classify(
          obj({ customer_id: { type: 'string', format: 'uuid' } }, { required: ['customer_id'] }),
          obj({ customerId: { type: 'string', format: 'uuid' } }, { required: ['customerId'] }),
        ),
      ).toEqual(['property-renamed customer_id breaking/breaking']);
    });
  });

  describe('enums and const', () => {
    const e = (...values: unknown[]) => ({ type: 'string', enum: values });
    it.each([
      ['widened', e('a', 'b'), e('a', 'b', 'c'), 'enum-widened (root) breaking/none'],
      ['narrowed', e('a', 'b'), e('a'), 'enum-narrowed (root) none/breaking'],
      ['changed', e('a', 'b'), e('a', 'c'), 'enum-changed (root) breaking/breaking'],
      ['added', { type: 'string' }, e('a'), 'enum-narrowed (root) none/breaking'],
      ['removed', e('a'), { type: 'string' }, 'enum-widened (root) breaking/none'],
      ['const changed', { const: 'x' }, { const: 'y' }, 'enum-changed (root) breaking/breaking'],
    ])('%s', (_, from, to, expected) => {
      expect(classify(from, to)).toEqual([expected]);
    });
    it('reordering an enum is no change', () => {
      expect(classify(e('a', 'b'), e('b', 'a'))).toEqual([]);
    });
  });

  describe('additionalProperties', () => {
    it('tightened breaks producers, loosened is risky for consumers', () => {
      expect(classify(obj({}), obj({}, { additionalProperties: false }))).toEqual(['additional-properties-tightened (root) none/breaking']);
      expect(classify(obj({}, { additionalProperties: false }), obj({}))).toEqual(['additional-properties-loosened (root) risky/none']);
    });
    it('compares additionalProperties schemas as schemas', () => {
      expect(classify(obj({}, { additionalProperties: { type: 'integer' } }), obj({}, { additionalProperties: { type: 'number' } }))).toEqual([
        'type-widened * breaking/none',
      ]);
    });
  });

  describe('strings', () => {
    it('format added, removed, changed', () => {
      expect(classify({ type: 'string' }, { type: 'string', format: 'uuid' })).toEqual(['format-added (root) none/breaking']);
      expect(classify({ type: 'string', format: 'uuid' }, { type: 'string' })).toEqual(['format-removed (root) breaking/none']);
      expect(classify({ type: 'string', format: 'date' }, { type: 'string', format: 'date-time' })).toEqual(['format-changed (root) breaking/breaking']);
    });
    it('length constraints', () => {
      expect(classify({ type: 'string', maxLength: 10 }, { type: 'string', maxLength: 5 })).toEqual(['constraint-tightened (root) none/breaking']);
      expect(classify({ type: 'string', maxLength: 10 }, { type: 'string', maxLength: 20 })).toEqual(['constraint-loosened (root) breaking/none']);
      expect(classify({ type: 'string', minLength: 0 }, { type: 'string' })).toEqual([]);
      expect(classify({ type: 'string' }, { type: 'string', minLength: 1 })).toEqual(['constraint-tightened (root) none/breaking']);
    });
    it('patterns', () => {
      expect(classify({ type: 'string' }, { type: 'string', pattern: '^a' })).toEqual(['constraint-tightened (root) none/breaking']);
      expect(classify({ type: 'string', pattern: '^a' }, { type: 'string' })).toEqual(['constraint-loosened (root) breaking/none']);
      expect(classify({ type: 'string', pattern: '^a' }, { type: 'string', pattern: '^b' })).toEqual(['pattern-changed (root) breaking/breaking']);
    });
  });

  describe('numbers', () => {
    it('bounds, including exclusive ones', () => {
      expect(classify({ type: 'number', minimum: 0 }, { type: 'number', minimum: 1 })).toEqual(['constraint-tightened (root) none/breaking']);
      expect(classify({ type: 'number', minimum: 0 }, { type: 'number', exclusiveMinimum: 0 })).toEqual(['constraint-tightened (root) none/breaking']);
      expect(classify({ type: 'number', maximum: 10 }, { type: 'number' })).toEqual(['constraint-loosened (root) breaking/none']);
      expect(classify({ type: 'number', maximum: 10 }, { type: 'number', maximum: 10 })).toEqual([]);
    });
    it('multipleOf', () => {
      expect(classify({ type: 'number', multipleOf: 2 }, { type: 'number', multipleOf: 4 })).toEqual(['constraint-tightened (root) none/breaking']);
      expect(classify({ type: 'number', multipleOf: 4 }, { type: 'number', multipleOf: 2 })).toEqual(['constraint-loosened (root) breaking/none']);
      expect(classify({ type: 'number', multipleOf: 2 }, { type: 'number', multipleOf: 3 })).toEqual(['constraint-changed (root) breaking/breaking']);
    });
  });

  describe('nesting', () => {
    it('reports nested objects and array items with their field path', () => {
      const base = obj({
        customer: obj({ address: obj({ city: { type: 'string' } }, { required: ['city'] }) }),
        lines: { type: 'array', items: obj({ qty: { type: 'integer' } }) },
      });
      const head = obj({
        customer: obj({ address: obj({ city: { type: 'string' } }) }),
        lines: { type: 'array', items: obj({ qty: { type: 'number' } }), minItems: 1 },
      });
      expect(classify(base, head)).toEqual([
        'constraint-tightened lines none/breaking',
        'required-removed customer.address.city breaking/none',
        'type-widened lines[].qty breaking/none',
      ]);
    });
    it('carries JSON pointers into both schemas', () => {
      const [change] = diffSchemas(obj({ a: obj({ b: { type: 'integer' } }) }), obj({ a: obj({ b: { type: 'string' } }) }));
      expect(change).toMatchObject({ basePointer: '/properties/a/properties/b', headPointer: '/properties/a/properties/b' });
    });
  });

  describe('oneOf / anyOf', () => {
    const card = obj({ kind: { const: 'card' }, last4: { type: 'string' } });
    const iban = obj({ kind: { const: 'iban' }, iban: { type: 'string' } });
    const paypal = obj({ kind: { const: 'paypal' }, email: { type: 'string' } });
    it('a branch added breaks consumers, removed breaks producers', () => {
      expect(classify({ oneOf: [card, iban] }, { oneOf: [card, iban, paypal] })).toEqual(['branch-added (root) breaking/none']);
      expect(classify({ oneOf: [card, iban] }, { oneOf: [iban] })).toEqual(['branch-removed (root) none/breaking']);
    });
    it('pairs edited branches by their discriminator value and recurses', () => {
      const card2 = obj({ kind: { const: 'card' }, last4: { type: 'string', maxLength: 4 } });
      expect(classify({ oneOf: [card, iban] }, { oneOf: [iban, card2] })).toEqual(['constraint-tightened <oneOf kind="card">.last4 none/breaking']);
    });
    it('wrapping a schema into anyOf with a new branch is a branch added', () => {
      expect(classify({ type: 'string' }, { anyOf: [{ type: 'string' }, { type: 'integer' }] })).toEqual(['branch-added (root) breaking/none']);
    });
  });

  describe('$ref', () => {
    it('compares resolved targets, not reference text', () => {
      const base = { definitions: { A: { type: 'string' }, B: { type: 'integer' } }, type: 'object', properties: { x: { $ref: '#/definitions/A' } } };
      const sameTarget = { definitions: { A2: { type: 'string' } }, type: 'object', properties: { x: { $ref: '#/definitions/A2' } } };
      const otherTarget = { ...base, properties: { x: { $ref: '#/definitions/B' } } };
      expect(classify(base, sameTarget)).toEqual([]);
      expect(classify(base, otherTarget)).toEqual(['ref-target-changed x none/none', 'type-changed x breaking/breaking']);
      const inlined = { type: 'object', properties: { x: { type: 'string' } } };
      expect(classify(base, inlined)).toEqual([]);
    });
    it('sees a retargeted reference in schemas the compiler inlined (x-ep-name)', () => {
      const money = { 'x-ep-name': 'Money', type: 'object', properties: { amount: { type: 'string' } } };
      const cents = { 'x-ep-name': 'Cents', type: 'integer' };
      expect(classify(obj({ total: money }), obj({ total: cents }))).toEqual(['ref-target-changed total none/none', 'type-changed total breaking/breaking']);
      expect(classify(obj({ total: money }), obj({ total: { ...money, 'x-ep-name': 'Price' } }))).toEqual([]);
    });
    it('terminates on recursive schemas', () => {
      const tree = (leaf: string) => ({
        definitions: { Node: { type: 'object', properties: { value: { type: leaf }, children: { type: 'array', items: { $ref: '#/definitions/Node' } } } } },
        $ref: '#/definitions/Node',
      });
      expect(classify(tree('string'), tree('integer'))).toEqual(['type-changed value breaking/breaking']);
      // The compiler's shape: a root that refers to itself with `#`.
      const list = (leaf: string) => ({ type: 'object', properties: { value: { type: leaf }, next: { $ref: '#' } } });
      expect(classify(list('string'), list('number'))).toEqual(['type-changed value breaking/breaking']);
    });
  });

  it('reports keywords without a dedicated rule as risky both ways', () => {
    expect(classify({ type: 'object', not: { required: ['a'] } }, { type: 'object', not: { required: ['b'] } })).toEqual([
      'keyword-changed (root) risky/risky',
    ]);
  });
});
