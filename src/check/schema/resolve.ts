/**
 * Local `$ref` resolution and canonical forms for JSON Schemas, so two schemas are compared by
 * what they accept rather than by how they are spelled: a `$ref` and the schema it points to
 * are the same schema, and key order or annotations never make two schemas different.
 */
import type { JsonSchema } from '../../compiler/model.js';

export type SchemaObject = { readonly [key: string]: unknown };

/** A schema node together with where it sits in its root document (a JSON pointer). */
export interface SchemaNode {
  readonly schema: JsonSchema;
  readonly pointer: string;
}

/** Keywords that describe a schema without constraining instances. */
export const ANNOTATIONS: ReadonlySet<string> = new Set([
  'title',
  'description',
  'examples',
  'example',
  'default',
  '$comment',
  'deprecated',
  'readOnly',
  'writeOnly',
  '$id',
  '$schema',
  '$defs',
  'definitions',
  'externalDocs',
  'discriminator',
  'x-parser-schema-id',
]);

export function isObjectSchema(schema: unknown): schema is SchemaObject {
  return typeof schema === 'object' && schema !== null && !Array.isArray(schema);
}

export function escapePointer(segment: string): string {
  return segment.replace(/~/g, '~0').replace(/\//g, '~1');
}

export function pointerSegments(pointer: string): string[] {
  if (pointer === '' || pointer === '#') return [];
  return pointer
    .replace(/^#/, '')
    .split('/')
    .slice(1)
    .map((s) => decodeURIComponent(s).replace(/~1/g, '/').replace(/~0/g, '~'));
}

export function child(node: SchemaNode, ...segments: (string | number)[]): SchemaNode | undefined {
  let value: unknown = node.schema;
  let pointer = node.pointer;
  for (const segment of segments) {
    if (typeof value !== 'object' || value === null) return undefined;
    value = (value as Record<string, unknown>)[segment];
    pointer = `${pointer}/${escapePointer(String(segment))}`;
  }
  if (value === undefined) return undefined;
  return { schema: value as JsonSchema, pointer };
}

function resolvePointer(root: JsonSchema, pointer: string): unknown {
  let value: unknown = root;
  for (const segment of pointerSegments(pointer)) {
    if (typeof value !== 'object' || value === null) return undefined;
    value = (value as Record<string, unknown>)[segment];
  }
  return value;
}

/**
 * Follows local `$ref`s (`#/…`, relative to `root`) to the schema they name, and reports the
 * names it went through. External references stay as they are (the compiler inlines them; a
 * leftover one is compared by its text). Draft-07 ignores keywords beside `$ref`, and so do we.
 */
export function deref(node: SchemaNode, root: JsonSchema): { node: SchemaNode; refs: string[] } {
  const refs: string[] = [];
  let current = node;
  while (isObjectSchema(current.schema) && typeof current.schema.$ref === 'string' && current.schema.$ref.startsWith('#')) {
    const ref = current.schema.$ref;
    if (refs.includes(ref)) break;
    const target = resolvePointer(root, ref);
    if (target === undefined) break;
    refs.push(ref);
    current = { schema: target as JsonSchema, pointer: ref.replace(/^#/, '') };
  }
  return { node: current, refs };
}

/**
 * A stable string for "what this schema accepts": refs inlined (recursion cut with a marker),
 * annotations dropped, keys sorted, `required` and `enum` sorted. Two schemas with equal
 * canonical forms accept the same instances.
 */
export function canonicalSchema(schema: JsonSchema, root: JsonSchema = schema): string {
  const seen: string[] = [];
  const walk = (value: unknown, insideSchema: boolean): unknown => {
    if (Array.isArray(value)) return value.map((v) => walk(v, insideSchema));
    if (!isObjectSchema(value)) return value;
    if (insideSchema && typeof value.$ref === 'string' && value.$ref.startsWith('#')) {
      if (seen.includes(value.$ref)) return { $recursive: value.$ref };
      const target = resolvePointer(root, value.$ref);
      if (target !== undefined) {
        seen.push(value.$ref);
        const result = walk(target, true);
        seen.pop();
        return result;
      }
    }
    const out: Record<string, unknown> = {};
    for (const key of Object.keys(value).sort()) {
      if (insideSchema && (ANNOTATIONS.has(key) || key.startsWith('x-'))) continue;
      const v = value[key];
      if (!insideSchema) {
        out[key] = walk(v, false);
      } else if (key === 'required' && Array.isArray(v)) {
        out[key] = [...new Set(v as string[])].sort();
      } else if (key === 'enum' && Array.isArray(v)) {
        out[key] = v.map((e) => canonicalValue(e)).sort();
      } else if (key === 'const') {
        out[key] = canonicalValue(v);
      } else if (['properties', 'patternProperties', 'dependentSchemas', 'dependentRequired', 'dependencies'].includes(key) && isObjectSchema(v)) {
        // A map of name → schema: the names are data, the values schemas.
        const map: Record<string, unknown> = {};
        for (const name of Object.keys(v).sort()) map[name] = walk(v[name], true);
        out[key] = map;
      } else {
        out[key] = walk(v, true);
      }
    }
    return out;
  };
  return JSON.stringify(walk(schema, true));
}

/** A stable string for a JSON value (object keys sorted). */
export function canonicalValue(value: unknown): string {
  const walk = (v: unknown): unknown => {
    if (Array.isArray(v)) return v.map(walk);
    if (typeof v === 'object' && v !== null) {
      const out: Record<string, unknown> = {};
      for (const key of Object.keys(v).sort()) out[key] = walk((v as Record<string, unknown>)[key]);
      return out;
    }
    return v;
  };
  return JSON.stringify(walk(value)) ?? 'undefined';
}
