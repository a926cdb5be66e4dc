import { describe, expect, it } from 'vitest';
import { payloadChanges } from '../../../src/catalog/message-history.js';
import { schemaRows } from '../../../src/catalog/schema-rows.js';

const paths = (schema: Parameters<typeof schemaRows>[0]) => schemaRows(schema).map((r) => r.path);

describe('schemaRows', () => {
  it('flattens nested objects, arrays of objects and maps into paths', () => {
    const rows = schemaRows({
      type: 'object',
      required: ['id', 'lines'],
      properties: {
        id: { type: 'string', format: 'uuid' },
        lines: { type: 'array', minItems: 1, items: { type: 'object', required: ['sku'], properties: { sku: { type: 'string' }, qty: { type: 'integer' } } } },
        tags: { type: 'array', items: { type: 'string', maxLength: 8 } },
        attributes: { type: 'object', additionalProperties: { type: 'string' } },
      },
    });
    expect(rows.map((r) => [r.path, r.type, r.required, r.depth])).toEqual([
      ['id', 'string', true, 0],
      ['lines', 'array<object>', true, 0],
      ['lines[].sku', 'string', true, 1],
      ['lines[].qty', 'integer', false, 1],
      ['tags', 'array<string>', false, 0],
      ['tags[]', 'string', false, 1],
      ['attributes', 'object', false, 0],
      ['attributes{*}', 'string', false, 1],
    ]);
    expect(rows[0]!.format).toBe('uuid');
    expect(rows[1]!.constraints).toContain('≥ 1 items');
    expect(rows[5]!.constraints).toContain('≤ 8 chars');
  });

  it('states enums, consts, defaults, nullability and numeric and string constraints', () => {
    const [status, amount, code, note, version] = schemaRows({
      type: 'object',
      properties: {
        status: { type: 'string', enum: ['pending', 'done'], default: 'pending' },
        amount: { type: 'number', minimum: 0, exclusiveMaximum: 1000, multipleOf: 0.01 },
        code: { type: 'string', pattern: '^[A-Z]{3}$', minLength: 3, maxLength: 3 },
        note: { type: ['string', 'null'], deprecated: true, description: 'Free text.' },
        version: { const: '1.0' },
      },
    });
    expect(status!.enumValues).toEqual(['pending', 'done']);
    expect(status!.defaultValue).toEqual({ value: 'pending' });
    expect(amount!.constraints).toEqual(['≥ 0', '< 1000', 'multiple of 0.01']);
    expect(code!.constraints).toEqual(['exactly 3 chars', 'pattern ^[A-Z]{3}$']);
    expect(note!.type).toBe('string | null');
    expect(note!.deprecated).toBe(true);
    expect(note!.description).toBe('Free text.');
    expect(version!.constValue).toEqual({ value: '1.0' });
    expect(version!.type).toBe('string');
  });

  it('resolves local $refs, merges allOf and labels oneOf alternatives', () => {
    const rows = schemaRows({
      type: 'object',
      definitions: { Money: { type: 'object', title: 'Money', required: ['value'], properties: { value: { type: 'integer' } } } },
      properties: {
        price: { $ref: '#/definitions/Money' },
        audit: { allOf: [{ type: 'object', required: ['by'], properties: { by: { type: 'string' } } }, { properties: { at: { type: 'string', format: 'date-time' } } }] },
        method: { oneOf: [{ title: 'Card', type: 'object', properties: { last4: { type: 'string' } } }, { type: 'string' }] },
      },
    });
    expect(rows.map((r) => r.path)).toEqual(['price', 'price.value', 'audit', 'audit.by', 'audit.at', 'method', 'method<1>', 'method<1>.last4', 'method<2>']);
    expect(rows[0]!.title).toBe('Money');
    expect(rows[3]!.required).toBe(true);
    expect(rows[6]!.variant).toBe('one of #1 (Card)');
  });

  it('stops at recursive references instead of looping', () => {
    const rows = schemaRows({
      type: 'object',
      definitions: { Node: { type: 'object', properties: { name: { type: 'string' }, children: { type: 'array', items: { $ref: '#/definitions/Node' } } } } },
      properties: { root: { $ref: '#/definitions/Node' } },
    });
    expect(rows.map((r) => r.path)).toEqual(['root', 'root.name', 'root.children', 'root.children[]']);
    expect(rows[3]!.type).toBe('Node (recursive)');
  });

  it('gives a non-object payload one row', () => {
    expect(paths({ type: 'string', format: 'uuid' })).toEqual(['(body)']);
  });
});

describe('payloadChanges', () => {
  it('lists added, removed, retyped, re-required and enum changes', () => {
    const before = {
      type: 'object',
      required: ['id'],
      properties: { id: { type: 'string' }, total: { type: 'number' }, status: { type: 'string', enum: ['a', 'b'] }, old: { type: 'string' } },
    };
    const after = {
      type: 'object',
      required: ['id', 'total'],
      properties: { id: { type: 'string' }, total: { type: 'string' }, status: { type: 'string', enum: ['a', 'c'] }, added: { type: 'integer' } },
    };
    expect(payloadChanges(before, after)).toEqual([
      'total: type number → string',
      'total: now required',
      'status: enum adds c',
      'status: enum drops b',
      'added added (integer)',
      'removed old (string)',
    ]);
  });
});
