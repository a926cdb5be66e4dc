/**
 * Turns a schema as written (with `$ref`s into components, other files, anywhere) into a
 * self-contained JSON Schema: references are inlined; a reference that would recurse forever
 * becomes a local `$defs` entry, so recursive types stay expressible.
 *
 * A schema reached through a reference to a named component (`#/components/schemas/Money`)
 * keeps that name in `x-ep-name`, so generated types are named after components, not paths.
 */
import type { DiagnosticSink } from '../diagnostics.js';
import { isRecord, type PathSegment } from '../load/pointer.js';
import { nodeKey, type Located, type SourceSet } from '../load/sources.js';
import type { JsonSchema } from '../model.js';

export const NAME_ANNOTATION = 'x-ep-name';

/** Keywords whose value is a schema. */
const SCHEMA_KEYWORDS = new Set([
  'additionalProperties',
  'additionalItems',
  'contains',
  'propertyNames',
  'if',
  'then',
  'else',
  'not',
  'unevaluatedProperties',
  'unevaluatedItems',
  'contentSchema',
]);
/** Keywords whose value is a map of schemas. */
const SCHEMA_MAP_KEYWORDS = new Set(['properties', 'patternProperties', 'dependentSchemas']);
/** Keywords whose value is a list of schemas. */
const SCHEMA_LIST_KEYWORDS = new Set(['allOf', 'anyOf', 'oneOf']);
/** Containers only reachable through `$ref`, which are all inlined. */
const DROPPED_KEYWORDS = new Set(['$defs', 'definitions', '$id', '$schema']);
const MAX_DEPTH = 256;

export function bundleSchema(sources: SourceSet, root: Located, sink: DiagnosticSink): JsonSchema | undefined {
  const start = sources.deref(root);
  if (!start) return undefined;
  const rootKey = nodeKey(start);
  const defs = new Map<string, { name: string; schema?: unknown }>();
  const names = new Set<string>();
  const stack: string[] = [];
  let failed = false;

  const inline = (node: Located, depth: number): unknown => {
    if (depth > MAX_DEPTH) {
      if (!failed) sink.error(node.source.locate(node.path), `schema nested deeper than ${MAX_DEPTH} levels`, 'ep-message-schema');
      failed = true;
      return {};
    }
    if (!isRecord(node.value) || typeof node.value.$ref !== 'string') return copy(node, depth);
    const target = sources.deref(node);
    if (!target) {
      failed = true;
      return {};
    }
    const key = nodeKey(target);
    if (key === rootKey) return { $ref: '#' };
    const known = defs.get(key);
    if (known) return { $ref: `#/$defs/${known.name}` };
    if (stack.includes(key)) {
      const name = uniqueName(componentName(target.path) ?? 'Schema', names);
      defs.set(key, { name });
      return { $ref: `#/$defs/${name}` };
    }
    stack.push(key);
    let result = copy(target, depth);
    stack.pop();
    const component = componentName(target.path);
    if (component && isRecord(result) && result[NAME_ANNOTATION] === undefined) result = { ...result, [NAME_ANNOTATION]: component };
    const cyclic = defs.get(key);
    if (cyclic) {
      cyclic.schema = result;
      return { $ref: `#/$defs/${cyclic.name}` };
    }
    return result;
  };

  const child = (node: Located, segment: PathSegment, value: unknown): Located => ({
    source: node.source,
    path: [...node.path, segment],
    value,
  });

  const copy = (node: Located, depth: number): unknown => {
    const value = node.value;
    if (typeof value === 'boolean') return value;
    if (!isRecord(value)) return value;
    const out: Record<string, unknown> = {};
    for (const [key, v] of Object.entries(value)) {
      if (DROPPED_KEYWORDS.has(key)) continue;
      const at = child(node, key, v);
      if (SCHEMA_KEYWORDS.has(key) && (isRecord(v) || typeof v === 'boolean')) out[key] = inline(at, depth + 1);
      else if (SCHEMA_MAP_KEYWORDS.has(key) && isRecord(v)) {
        // fromEntries defines own properties: assigning map['__proto__'] would set the prototype.
        out[key] = Object.fromEntries(Object.entries(v).map(([name, s]) => [name, inline(child(at, name, s), depth + 1)]));
      } else if (SCHEMA_LIST_KEYWORDS.has(key) && Array.isArray(v)) {
        out[key] = v.map((s, i) => inline(child(at, i, s), depth + 1));
      } else if (key === 'prefixItems' && Array.isArray(v)) {
        // 2020-12 tuples in the draft-07 form the validators (ajv, draft-07) and Modelina read:
        // prefixItems → items [...], and the 2020 `items` (the rest) → additionalItems.
        out.items = v.map((s, i) => inline(child(at, i, s), depth + 1));
        if (value.items !== undefined) out.additionalItems = isRecord(value.items) ? inline(child(node, 'items', value.items), depth + 1) : value.items;
      } else if (key === 'items' && Array.isArray(value.prefixItems)) {
        continue;
      } else if (key === 'items') {
        out[key] = Array.isArray(v) ? v.map((s, i) => inline(child(at, i, s), depth + 1)) : inline(at, depth + 1);
      } else if (key === 'dependencies' && isRecord(v)) {
        out[key] = Object.fromEntries(Object.entries(v).map(([name, s]) => [name, Array.isArray(s) ? [...s] : inline(child(at, name, s), depth + 1)]));
      } else out[key] = structuredClone(v);
    }
    return out;
  };

  stack.push(rootKey);
  let schema = copy(start, 0);
  stack.pop();
  // A payload that is a named component keeps the name (types share it across messages).
  const component = start !== root ? componentName(start.path) : undefined;
  if (component && isRecord(schema) && schema[NAME_ANNOTATION] === undefined) schema = { ...schema, [NAME_ANNOTATION]: component };
  if (failed) return undefined;
  if (defs.size === 0 || !isRecord(schema)) return schema as JsonSchema;
  const $defs: Record<string, unknown> = {};
  for (const def of [...defs.values()].sort((a, b) => (a.name < b.name ? -1 : 1))) $defs[def.name] = def.schema ?? {};
  return { ...schema, $defs } as JsonSchema;
}

/** `components/schemas/Money` → `Money` (also `definitions`/`$defs` entries). */
function componentName(path: readonly PathSegment[]): string | undefined {
  const parent = path[path.length - 2];
  const name = path[path.length - 1];
  if ((parent === 'schemas' || parent === 'definitions' || parent === '$defs') && typeof name === 'string') return name;
  return undefined;
}

function uniqueName(base: string, taken: Set<string>): string {
  const clean = base.replace(/[^A-Za-z0-9_]/g, '_') || 'Schema';
  let name = clean;
  for (let i = 2; taken.has(name); i++) name = `${clean}${i}`;
  taken.add(name);
  return name;
}
