/**
 * JSON schemas the saas REST APIs share, as strict as the contracts (asyncapi/saas/_common.yaml,
 * _shared/types.yaml). Every saas route is under /api/tenants/{tenantId}: the tenant comes from
 * the path and travels on as every event's `ce-tenantid`.
 */
export const uuid = { type: 'string', format: 'uuid' } as const;
export const email = { type: 'string', format: 'email', maxLength: 254 } as const;
export const locale = { type: 'string', pattern: '^[a-z]{2,3}(-[A-Z]{2})?$', description: 'BCP 47 language tag, e.g. en-GB' } as const;
export const role = { type: 'string', enum: ['owner', 'admin', 'member', 'viewer'] } as const;
export const plan = { type: 'string', enum: ['starter', 'team', 'business', 'enterprise'] } as const;

export const tenantParams = { type: 'object', required: ['tenantId'], additionalProperties: false, properties: { tenantId: uuid } } as const;
