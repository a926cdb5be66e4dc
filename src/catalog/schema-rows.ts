/**
 * Flattens a JSON Schema into table rows with paths (`lines[].sku`, `attributes{*}`), so a
 * nested payload reads as one table instead of a tree of boxes. Pure.
 */
import type { JsonSchema } from '../compiler/model.js';

export interface SchemaRow {
  /** `amount.value`, `lines[]`, `lines[].sku`, `attributes{*}`, `method<2>.last4`. */
  readonly path: string;
  readonly depth: number;
  /** `string`, `integer`, `array<object>`, `string | null`, `object`, `any`. */
  readonly type: string;
  readonly required: boolean;
  readonly format?: string;
  readonly enumValues?: readonly unknown[];
  readonly constValue?: { readonly value: unknown };
  /** Human-readable constraints: `≥ 1`, `length ≤ 200`, `pattern ^[A-Z]{3}$`, `1–10 items`. */
  readonly constraints: readonly string[];
  readonly description?: string;
  readonly defaultValue?: { readonly value: unknown };
  readonly deprecated: boolean;
  /** Component/schema title when the node has one (`Money`). */
  readonly title?: string;
  /** `oneOf`/`anyOf` alternatives label the rows under them. */
  readonly variant?: string;
}

type Obj = { readonly [key: string]: unknown };

const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);

/** Resolves a `#/…` pointer inside the root schema; external refs never reach the model. */
function resolveRef(root: JsonSchema, ref: string): JsonSchema | undefined {
  if (!ref.startsWith('#')) return undefined;
  let node: unknown = root;
  for (const raw of ref.slice(1).split('/').filter(Boolean)) {
    const key = decodeURIComponent(raw).replace(/~1/g, '/').replace(/~0/g, '~');
    if (!isObj(node)) return undefined;
    node = node[key];
  }
  return isObj(node) || typeof node === 'boolean' ? (node as JsonSchema) : undefined;
}

/** Merges `allOf` members into one object schema (properties, required), the common use. */
function mergeAllOf(schema: Obj, root: JsonSchema, seen: ReadonlySet<string>): Obj {
  const members = (schema.allOf as unknown[]).map((m) => deref(m as JsonSchema, root, seen).schema).filter(isObj);
  const properties: Record<string, unknown> = { ...(isObj(schema.properties) ? schema.properties : {}) };
  const required = new Set<string>(Array.isArray(schema.required) ? (schema.required as string[]) : []);
  const merged: Record<string, unknown> = { ...schema };
  delete merged.allOf;
  for (const m of members) {
    const inner = Array.isArray(m.allOf) ? mergeAllOf(m, root, seen) : m;
    for (const [k, v] of Object.entries(inner)) {
      if (k === 'properties' && isObj(v)) Object.assign(properties, v);
      else if (k === 'required' && Array.isArray(v)) for (const r of v) required.add(String(r));
      else if (!(k in merged)) merged[k] = v;
    }
  }
  if (Object.keys(properties).length > 0) merged.properties = properties;
  if (required.size > 0) merged.required = [...required];
  if (merged.type === undefined && merged.properties !== undefined) merged.type = 'object';
  return merged;
}

function deref(schema: JsonSchema, root: JsonSchema, seen: ReadonlySet<string>): { schema: JsonSchema; ref?: string; cycle: boolean } {
  if (!isObj(schema) || typeof schema.$ref !== 'string') return { schema, cycle: false };
  let current: JsonSchema = schema;
  let ref: string | undefined;
  const visited = new Set(seen);
  while (isObj(current) && typeof current.$ref === 'string') {
    ref = current.$ref;
    if (visited.has(ref)) return { schema: current, ref, cycle: true };
    visited.add(ref);
    const target = resolveRef(root, ref);
    if (target === undefined) return { schema: current, ref, cycle: false };
    current = target;
  }
  return { schema: current, ...(ref === undefined ? {} : { ref }), cycle: false };
}

function typesOf(s: Obj): string[] {
  const t = s.type;
  const types = Array.isArray(t) ? t.map(String) : typeof t === 'string' ? [t] : [];
  if (s.nullable === true && !types.includes('null')) types.push('null');
  return types;
}

function typeLabel(s: Obj, root: JsonSchema, seen: ReadonlySet<string>): string {
  let types = typesOf(s);
  if (types.length === 0) {
    if (isObj(s.properties) || s.additionalProperties !== undefined) types = ['object'];
    else if (s.items !== undefined) types = ['array'];
    else if (s.const !== undefined) types = [s.const === null ? 'null' : typeof s.const];
    else if (Array.isArray(s.enum)) types = [...new Set(s.enum.map((v) => (v === null ? 'null' : typeof v)))];
  }
  const label = types.map((t) => {
    if (t !== 'array') return t;
    const items = s.items;
    if (!isObj(items) && typeof items !== 'boolean') return 'array';
    const inner = deref(items as JsonSchema, root, seen).schema;
    return isObj(inner) ? `array<${typeLabel(inner, root, seen)}>` : 'array';
  });
  if (Array.isArray(s.oneOf)) return label.length > 0 ? `${label.join(' | ')} (one of)` : 'one of';
  if (Array.isArray(s.anyOf)) return label.length > 0 ? `${label.join(' | ')} (any of)` : 'any of';
  return label.length > 0 ? label.join(' | ') : 'any';
}

function show(v: unknown): string {
  return typeof v === 'string' ? v : JSON.stringify(v);
}

function range(min: unknown, max: unknown, unit: string): string | undefined {
  if (typeof min === 'number' && typeof max === 'number') return min === max ? `exactly ${min} ${unit}` : `${min}–${max} ${unit}`;
  if (typeof min === 'number') return `≥ ${min} ${unit}`;
  if (typeof max === 'number') return `≤ ${max} ${unit}`;
  return undefined;
}

function constraintsOf(s: Obj): string[] {
  const out: string[] = [];
  const push = (c: string | undefined): void => {
    if (c !== undefined) out.push(c);
  };
  if (typeof s.minimum === 'number') push(`≥ ${s.minimum}`);
  if (typeof s.exclusiveMinimum === 'number') push(`> ${s.exclusiveMinimum}`);
  if (typeof s.maximum === 'number') push(`≤ ${s.maximum}`);
  if (typeof s.exclusiveMaximum === 'number') push(`< ${s.exclusiveMaximum}`);
  if (typeof s.multipleOf === 'number') push(`multiple of ${s.multipleOf}`);
  push(range(s.minLength, s.maxLength, 'chars'));
  if (typeof s.pattern === 'string') push(`pattern ${s.pattern}`);
  push(range(s.minItems, s.maxItems, 'items'));
  if (s.uniqueItems === true) push('unique items');
  push(range(s.minProperties, s.maxProperties, 'keys'));
  if (s.additionalProperties === false && isObj(s.properties)) push('no other keys');
  return out;
}

interface Walk {
  readonly root: JsonSchema;
  readonly rows: SchemaRow[];
  readonly limit: number;
}

function walk(w: Walk, schema: JsonSchema, path: string, depth: number, required: boolean, seen: ReadonlySet<string>, variant?: string): void {
  if (w.rows.length >= w.limit) return;
  const resolved = deref(schema, w.root, seen);
  const nextSeen = resolved.ref === undefined ? seen : new Set([...seen, resolved.ref]);
  let s: Obj = isObj(resolved.schema) ? resolved.schema : resolved.schema === false ? { not: {} } : {};
  if (Array.isArray(s.allOf)) s = mergeAllOf(s, w.root, nextSeen);
  const refTitle = resolved.ref?.split('/').pop();
  // The compiler names inlined components with x-ep-name (`Money`).
  const title = typeof s.title === 'string' ? s.title : typeof s['x-ep-name'] === 'string' ? s['x-ep-name'] : refTitle;

  if (path !== '') {
    // Plain assignments (no conditional spreads): this runs for every field of every payload.
    const row: { -readonly [K in keyof SchemaRow]: SchemaRow[K] } = {
      path,
      depth,
      type: resolved.cycle ? `${refTitle ?? 'object'} (recursive)` : typeLabel(s, w.root, nextSeen),
      required,
      constraints: constraintsOf(s),
      deprecated: s.deprecated === true,
    };
    if (typeof s.format === 'string') row.format = s.format;
    if (Array.isArray(s.enum)) row.enumValues = s.enum;
    if ('const' in s) row.constValue = { value: s.const };
    if (typeof s.description === 'string') row.description = s.description;
    if ('default' in s) row.defaultValue = { value: s.default };
    if (title !== undefined) row.title = title;
    if (variant !== undefined) row.variant = variant;
    w.rows.push(row);
  }
  if (resolved.cycle) return;

  const childDepth = path === '' ? 0 : depth + 1;
  if (isObj(s.properties)) {
    const req = new Set(Array.isArray(s.required) ? (s.required as unknown[]).map(String) : []);
    for (const [name, child] of Object.entries(s.properties)) {
      walk(w, child as JsonSchema, path === '' ? name : `${path}.${name}`, childDepth, req.has(name), nextSeen);
    }
  }
  if (isObj(s.additionalProperties)) {
    walk(w, s.additionalProperties as JsonSchema, `${path}{*}`, childDepth, false, nextSeen);
  }
  const items = s.items;
  if (isObj(items)) {
    const inner = deref(items as JsonSchema, w.root, nextSeen).schema;
    // A row for `lines[]` itself only when the items carry something beyond their fields.
    if (isObj(inner) && (isObj(inner.properties) || Array.isArray(inner.allOf))) {
      walkChildrenOnly(w, items as JsonSchema, `${path}[]`, childDepth, nextSeen);
    } else {
      walk(w, items as JsonSchema, `${path}[]`, childDepth, false, nextSeen);
    }
  }
  for (const key of ['oneOf', 'anyOf'] as const) {
    const alternatives = s[key];
    if (!Array.isArray(alternatives)) continue;
    alternatives.forEach((alt, i) => {
      const altSchema = deref(alt as JsonSchema, w.root, nextSeen);
      const altTitle = isObj(altSchema.schema) && typeof altSchema.schema.title === 'string' ? altSchema.schema.title : altSchema.ref?.split('/').pop();
      const label = `${key === 'oneOf' ? 'one of' : 'any of'} #${i + 1}${altTitle ? ` (${altTitle})` : ''}`;
      walk(w, alt as JsonSchema, `${path}<${i + 1}>`, childDepth, false, nextSeen, label);
    });
  }
}

/** Like walk, but skips the node's own row (its path is already shown by the parent). */
function walkChildrenOnly(w: Walk, schema: JsonSchema, path: string, depth: number, seen: ReadonlySet<string>): void {
  const resolved = deref(schema, w.root, seen);
  let s: Obj = isObj(resolved.schema) ? resolved.schema : {};
  const nextSeen = resolved.ref === undefined ? seen : new Set([...seen, resolved.ref]);
  if (Array.isArray(s.allOf)) s = mergeAllOf(s, w.root, nextSeen);
  const req = new Set(Array.isArray(s.required) ? (s.required as unknown[]).map(String) : []);
  for (const [name, child] of Object.entries(isObj(s.properties) ? s.properties : {})) {
    walk(w, child as JsonSchema, `${path}.${name}`, depth, req.has(name), nextSeen);
  }
  if (isObj(s.additionalProperties)) walk(w, s.additionalProperties as JsonSchema, `${path}{*}`, depth, false, nextSeen);
}

/**
 * Rows for every field of `schema`, depth-first in declaration order. A non-object root
 * (a bare string payload) becomes one row with the path `(body)`.
 */
export function schemaRows(schema: JsonSchema, limit = 2000): readonly SchemaRow[] {
  // The same schema object is flattened for its page, the search index and the changelog.
  const cached = typeof schema === 'object' ? cache.get(schema) : undefined;
  if (cached && cached.limit === limit) return cached.rows;
  const rows = flatten(schema, limit);
  if (typeof schema === 'object') cache.set(schema, { limit, rows });
  return rows;
}

const cache = new WeakMap<object, { limit: number; rows: readonly SchemaRow[] }>();

function flatten(schema: JsonSchema, limit: number): SchemaRow[] {
  const w: Walk = { root: schema, rows: [], limit };
  const top = deref(schema, schema, new Set()).schema;
  const isObjectRoot = isObj(top) && (isObj(top.properties) || Array.isArray(top.allOf) || top.type === 'object' || isObj(top.additionalProperties));
  if (isObjectRoot) walk(w, schema, '', 0, true, new Set());
  else walk(w, schema, '(body)', 0, true, new Set());
  return w.rows;
}

/** Short text for an enum/const/default value in a table cell. */
export function formatValue(value: unknown): string {
  return show(value);
}
