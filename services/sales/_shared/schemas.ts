/** JSON schemas the sales REST APIs share, as strict as the contracts' (asyncapi/sales/_common.yaml, _shared/types.yaml). */
export const uuid = { type: 'string', format: 'uuid' } as const;

export const sku = { type: 'string', pattern: '^[A-Z0-9]+(-[A-Z0-9]+)*$', minLength: 3, maxLength: 40 } as const;

export const money = {
  type: 'object',
  additionalProperties: false,
  required: ['amount', 'currency'],
  properties: {
    amount: { type: 'string', pattern: '^(0|[1-9][0-9]{0,14})(\\.[0-9]{1,4})?$', maxLength: 20, description: 'decimal string, e.g. "42.00"' },
    currency: { type: 'string', pattern: '^[A-Z]{3}$', description: 'ISO 4217' },
  },
} as const;

export const salesUser = {
  type: 'object',
  additionalProperties: false,
  required: ['user_id', 'name'],
  properties: { user_id: uuid, name: { type: 'string', minLength: 1, maxLength: 200 }, email: { type: 'string', format: 'email', maxLength: 254 } },
} as const;

export const approvalLevel = { type: 'string', enum: ['manager', 'director', 'vp', 'cfo'] } as const;
