import { describe, expect, it } from 'vitest';
import { personalDataFields } from '../../../src/compiler/emit/personal-data.js';

describe('personal data from x-pii', () => {
  const email = { type: 'string', format: 'email', 'x-pii': true };
  it('lists properties marked x-pii, on themselves or on the schema they reference, at any depth', () => {
    const payload = {
      type: 'object',
      properties: {
        orderId: { type: 'string' },
        contactEmail: email,
        lines: { type: 'array', items: { type: 'object', properties: { note: { type: 'string', 'x-pii': true }, sku: { type: 'string' } } } },
        customer: { allOf: [{ type: 'object', properties: { phone: { type: 'string', 'x-pii': true } } }] },
      },
    };
    expect(personalDataFields([payload, undefined])).toEqual(['contactEmail', 'note', 'phone']);
  });

  it('ignores x-pii: false, examples and unmarked fields', () => {
    const payload = {
      type: 'object',
      properties: { id: { type: 'string', 'x-pii': false }, name: { type: 'string' } },
      examples: [{ properties: { leaked: { 'x-pii': true } } }],
    };
    expect(personalDataFields([payload])).toEqual([]);
  });
});
