/**
 * Personal data, as the contracts mark it: a property whose schema carries `x-pii: true` (on the
 * property itself or on the named schema it references, e.g. `EmailAddress`). The service kit's
 * logger censors these property names wherever they appear in a logged object, so the list of
 * what never reaches a log line is the contracts', not a hand-kept copy.
 */
import type { JsonSchema } from '../model.js';

export const PII_KEYWORD = 'x-pii';

/** The names of the personal-data properties anywhere in `schemas`, sorted, each once. */
export function personalDataFields(schemas: readonly (JsonSchema | undefined)[]): string[] {
  const found = new Set<string>();
  const seen = new Set<object>();
  const visit = (schema: unknown): void => {
    if (typeof schema !== 'object' || schema === null || seen.has(schema)) return;
    seen.add(schema);
    if (Array.isArray(schema)) {
      for (const item of schema) visit(item);
      return;
    }
    const record = schema as Record<string, unknown>;
    const properties = record['properties'];
    if (typeof properties === 'object' && properties !== null) {
      for (const [name, property] of Object.entries(properties)) {
        if (isPersonal(property)) found.add(name);
      }
    }
    // Every subschema: properties, items, combinators, definitions, additionalProperties.
    for (const [key, value] of Object.entries(record)) if (key !== 'examples' && key !== 'default' && key !== 'const' && key !== 'enum') visit(value);
  };
  for (const schema of schemas) visit(schema);
  return [...found].sort();
}

function isPersonal(schema: unknown): boolean {
  return typeof schema === 'object' && schema !== null && (schema as Record<string, unknown>)[PII_KEYWORD] === true;
}
