/** JSON schemas the shop's REST APIs share, as strict as the contracts' (asyncapi/shop/_common.yaml, _shared/types.yaml). */
export const uuid = { type: 'string', format: 'uuid' } as const;
export const dateTime = { type: 'string', format: 'date-time' } as const;

export const sku = { type: 'string', pattern: '^[A-Z0-9]+(-[A-Z0-9]+)*$', minLength: 3, maxLength: 32 } as const;

export const money = {
  type: 'object',
  additionalProperties: false,
  required: ['amount', 'currency'],
  properties: {
    amount: { type: 'string', pattern: '^(0|[1-9][0-9]{0,14})(\\.[0-9]{1,4})?$', maxLength: 20, description: 'decimal string, e.g. "79.99"' },
    currency: { type: 'string', pattern: '^[A-Z]{3}$', description: 'ISO 4217' },
  },
} as const;

export const address = {
  type: 'object',
  additionalProperties: false,
  required: ['line1', 'city', 'postalCode', 'country'],
  properties: {
    line1: { type: 'string', minLength: 1, maxLength: 200 },
    line2: { type: 'string', maxLength: 200 },
    city: { type: 'string', minLength: 1, maxLength: 100 },
    region: { type: 'string', maxLength: 100 },
    postalCode: { type: 'string', minLength: 1, maxLength: 20 },
    country: { type: 'string', pattern: '^[A-Z]{2}$', description: 'ISO 3166-1 alpha-2' },
  },
} as const;

export const lineItem = {
  type: 'object',
  additionalProperties: false,
  required: ['sku', 'name', 'quantity', 'unitPrice', 'lineTotal'],
  properties: {
    sku,
    name: { type: 'string', minLength: 1, maxLength: 200 },
    quantity: { type: 'integer', minimum: 1, maximum: 999 },
    unitPrice: money,
    lineTotal: money,
  },
} as const;

export const email = { type: 'string', format: 'email', maxLength: 254 } as const;
