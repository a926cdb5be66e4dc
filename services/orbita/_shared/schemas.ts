/** JSON schemas orbita's REST APIs share, as strict as the contracts' (asyncapi/orbita/_common.yaml). */
export const uuid = { type: 'string', format: 'uuid' } as const;
export const dateTime = { type: 'string', format: 'date-time' } as const;

/** A half-open interval [start, end) in UTC; routes check end > start (`checkRange`). */
export const timeRange = {
  type: 'object',
  additionalProperties: false,
  required: ['start', 'end'],
  properties: { start: dateTime, end: dateTime },
} as const;

export const idParams = { type: 'object', required: ['id'], properties: { id: uuid } } as const;
export const userQuery = { type: 'object', additionalProperties: false, required: ['userId'], properties: { userId: uuid } } as const;
