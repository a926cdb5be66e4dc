import type { SchemaError } from './contract.js';

/** One problem with one field, worded for people: `lines/0/sku` `must be string`. */
export interface FieldError {
  /** JSON pointer without the leading slash; `(root)` for the document itself. */
  readonly field: string;
  readonly message: string;
}

/**
 * Turns ajv errors into field errors that name the field the problem is in: for `required` and
 * `additionalProperties` ajv reports the parent object, so the property name is appended.
 */
export function describeSchemaErrors(errors: readonly SchemaError[] | null | undefined): FieldError[] {
  if (!errors || errors.length === 0) return [{ field: '(root)', message: 'does not match the schema' }];
  const seen = new Set<string>();
  const out: FieldError[] = [];
  for (const error of errors) {
    const described = describe(error);
    const key = `${described.field}\u0000${described.message}`;
    if (seen.has(key)) continue;
    seen.add(key);
    out.push(described);
  }
  return out;
}

function describe(error: SchemaError): FieldError {
  const base = error.instancePath.replace(/^\//, '');
  const join = (name: unknown) => (base ? `${base}/${String(name)}` : String(name));
  switch (error.keyword) {
    case 'required':
      return { field: join(error.params['missingProperty']), message: 'is required' };
    case 'additionalProperties':
      return { field: join(error.params['additionalProperty']), message: 'is not allowed (unknown property)' };
    case 'enum': {
      const allowed = error.params['allowedValues'];
      return {
        field: base || '(root)',
        message: Array.isArray(allowed) ? `must be one of ${allowed.map((v) => JSON.stringify(v)).join(', ')}` : (error.message ?? 'is not allowed'),
      };
    }
    default:
      return { field: base || '(root)', message: error.message ?? `fails ${error.keyword}` };
  }
}

export function formatFieldErrors(fields: readonly FieldError[]): string {
  return fields.map((f) => `${f.field} ${f.message}`).join('; ');
}
