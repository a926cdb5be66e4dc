import { schemaProblems } from '../shared/schema-errors.js';
import type { SchemaError } from './contract.js';

/** One problem with one field, worded for people: `lines/0/sku` `must be string`. */
export interface FieldError {
  /** Path from the payload's root joined with `/`; `(root)` for the document itself. */
  readonly field: string;
  readonly message: string;
}

/** The project's one ajv error reading (src/shared/schema-errors.ts), as the runtime reports it. */
export function describeSchemaErrors(errors: readonly SchemaError[] | null | undefined): FieldError[] {
  const problems = schemaProblems(errors);
  if (problems.length === 0) return [{ field: '(root)', message: 'does not match the schema' }];
  return problems.map((p) => ({ field: p.path.length > 0 ? p.path.join('/') : '(root)', message: p.message }));
}

export function formatFieldErrors(fields: readonly FieldError[]): string {
  return fields.map((f) => `${f.field} ${f.message}`).join('; ');
}
