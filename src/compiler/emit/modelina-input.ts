/**
 * Prepares a model schema for Modelina so the types it renders are named and shaped exactly:
 *
 * - every schema gets a `title` Modelina names its model after: message names for roots,
 *   component names (`x-ep-name`) where the contract used a component, otherwise the parent's
 *   name plus the property (`OrderCreatedLinesItem`) — never `AnonymousSchema_N`;
 * - one name means one shape within a system (a different shape under a taken name gets a
 *   numeric suffix), so models shared by several messages are emitted once;
 * - `type: [object, null]` and enums containing null become `X | null` (Modelina drops the
 *   null of an object and renders an enum's null as the string 'null');
 * - objects with properties and no `additionalProperties` are closed for typing (Modelina would
 *   add a literal `additionalProperties` member; the wire may still carry extra fields, which
 *   TypeScript's structural typing tolerates).
 */
import { isRecord } from '../load/pointer.js';
import type { JsonSchema } from '../model.js';
import { NAME_ANNOTATION } from '../model/schema.js';
import { NameScope, pascalCase, safeTypeName } from './names.js';

/** Names of the models of one system: one name, one shape. */
export class ModelNames {
  private readonly scope: NameScope;
  private readonly shapes = new Map<string, string>();

  constructor(roots: Iterable<string>) {
    this.scope = new NameScope(roots);
  }

  /** The name for a model of `shape` that would like to be called `desired`. */
  claim(desired: string, shape: string): string {
    const key = `${desired}\0${shape}`;
    const known = this.shapes.get(key);
    if (known) return known;
    const name = this.scope.claim(safeTypeName(desired));
    this.shapes.set(key, name);
    return name;
  }
}

const IGNORED_IN_SHAPE = new Set(['title', 'description', 'examples', 'example', '$comment', NAME_ANNOTATION, 'deprecated']);

/** Stable text of a schema's shape (key order and documentation do not matter). */
function shapeOf(schema: unknown): string {
  if (Array.isArray(schema)) return `[${schema.map(shapeOf).join(',')}]`;
  if (!isRecord(schema)) return JSON.stringify(schema) ?? 'null';
  const keys = Object.keys(schema)
    .filter((k) => !IGNORED_IN_SHAPE.has(k))
    .sort();
  return `{${keys.map((k) => `${JSON.stringify(k)}:${shapeOf(schema[k])}`).join(',')}}`;
}

function types(schema: Record<string, unknown>): string[] {
  return Array.isArray(schema.type) ? schema.type.filter((t): t is string => typeof t === 'string') : typeof schema.type === 'string' ? [schema.type] : [];
}

/** Schemas Modelina renders as a model of their own (interfaces, enum unions). */
function isModel(schema: Record<string, unknown>): boolean {
  const t = types(schema);
  return (
    (Array.isArray(schema.enum) && schema.enum.length > 1) ||
    t.includes('object') ||
    isRecord(schema.properties) ||
    Array.isArray(schema.allOf) ||
    (t.length === 0 && isRecord(schema.additionalProperties))
  );
}

function hasRef(schema: unknown): boolean {
  if (Array.isArray(schema)) return schema.some(hasRef);
  if (!isRecord(schema)) return false;
  return typeof schema.$ref === 'string' || Object.values(schema).some(hasRef);
}

/**
 * Modelina copies schemas by assignment, so a property named `__proto__` would become the
 * object's prototype (and vanish, its schema leaking into the siblings). It travels under this
 * name and types.ts writes it back.
 */
export const PROTO_PLACEHOLDER = 'ep__proto__placeholder';

export function modelinaInput(schema: JsonSchema, rootName: string, names: ModelNames): unknown {
  // `$ref`s are relative to their root, so a shape containing one is only shared within it.
  const shape = (s: Record<string, unknown>) => (hasRef(s) ? `${rootName}\0${shapeOf(s)}` : shapeOf(s));

  /**
   * `desired`: the name this schema would like; `prefix`: what its children's names start with
   * (an allOf part's children are named after the object the parts merge into).
   */
  const visit = (node: unknown, desired: string, root: boolean, prefix?: string): unknown => {
    // A reference keeps no siblings: Modelina's dereferencing would let a title here rename the target.
    if (!isRecord(node) || typeof node.$ref === 'string') return node;
    // Modelina writes enum strings into the source unescaped: a value with a quote, backslash or
    // line break would end the literal early, so such enums are typed by their type alone.
    if (Array.isArray(node.enum) && node.enum.some((v) => typeof v === 'string' && /["'\\\n\r\u2028\u2029`]/.test(v))) {
      const { enum: _dropped, ...rest } = node;
      return visit({ ...rest, type: rest.type ?? 'string' }, desired, root, prefix);
    }
    // 2020-12 tuples (`prefixItems`, `items: false`) in the draft-07 form Modelina reads.
    if (Array.isArray(node.prefixItems)) {
      const { prefixItems, items, ...rest } = node;
      return visit({ ...rest, items: prefixItems, ...(items === false ? { additionalItems: false } : isRecord(items) ? { additionalItems: items } : {}) }, desired, root, prefix);
    }
    const nullable = splitNull(node);
    if (nullable) return { oneOf: [{ type: 'null' }, visit(nullable, desired, root, prefix)] };
    const named =
      typeof node[NAME_ANNOTATION] === 'string'
        ? pascalCase(node[NAME_ANNOTATION] as string)
        : !root && typeof node.title === 'string' && node.title.trim() !== ''
          ? pascalCase(node.title)
          : desired;
    const name = root ? rootName : isModel(node) && prefix === undefined ? names.claim(named, shape(node)) : named;
    const base = prefix ?? name;
    const out: Record<string, unknown> = {};
    for (const [key, value] of Object.entries(node)) {
      if (key === 'title' || key === '$id' || key === NAME_ANNOTATION) continue;
      out[key] = value;
    }
    out.title = name;
    const child = (value: unknown, suffix: string) => visit(value, `${base}${suffix}`, false);
    if (isRecord(node.properties)) {
      out.properties = Object.fromEntries(Object.entries(node.properties).map(([p, s]) => [p === '__proto__' ? PROTO_PLACEHOLDER : p, child(s, pascalCase(p))]));
      if (node.additionalProperties === undefined || node.additionalProperties === true) out.additionalProperties = false;
    }
    if (isRecord(node.additionalProperties)) out.additionalProperties = child(node.additionalProperties, 'Value');
    if (isRecord(node.patternProperties)) {
      out.patternProperties = Object.fromEntries(Object.entries(node.patternProperties).map(([p, s], i) => [p, child(s, `Value${i + 1}`)]));
    }
    if (Array.isArray(node.items)) {
      out.items = node.items.map((s, i) => child(s, `Item${i + 1}`));
      // An exact tuple (no more, no fewer items) renders as [A, B] instead of (A | B | unknown)[].
      const n = node.items.length;
      if (node.additionalItems === undefined && typeof node.minItems === 'number' && node.minItems >= n && typeof node.maxItems === 'number' && node.maxItems <= n) {
        out.additionalItems = false;
      }
    } else if (node.items !== undefined) out.items = child(node.items, 'Item');
    for (const list of ['oneOf', 'anyOf'] as const) {
      const options = node[list];
      if (!Array.isArray(options)) continue;
      // `oneOf: [null, X]` is a nullable X: X takes the name the union would have had.
      const alternatives = options.filter((o) => !(isRecord(o) && o.type === 'null'));
      out[list] = options.map((s, i) =>
        alternatives.length === 1 && s === alternatives[0] ? visit(s, named, false, prefix) : child(s, `Option${i + 1}`),
      );
    }
    if (Array.isArray(node.allOf)) out.allOf = node.allOf.map((s, i) => visit(s, `${base}Part${i + 1}`, false, base));
    if (isRecord(node.$defs)) out.$defs = Object.fromEntries(Object.entries(node.$defs).map(([k, s]) => [k, visit(s, pascalCase(k), false)]));
    return out;
  };
  return visit(schema, rootName, true);
}

/** For `type: [X, null]` or an enum with null: the schema without null; otherwise undefined. */
function splitNull(node: Record<string, unknown>): Record<string, unknown> | undefined {
  const t = types(node);
  const enumHasNull = Array.isArray(node.enum) && node.enum.includes(null);
  const typeHasNull = t.includes('null') && t.length > 1;
  if (!enumHasNull && !typeHasNull) return undefined;
  const rest = t.filter((x) => x !== 'null');
  // Primitive unions with null render correctly already.
  if (!enumHasNull && !isModel({ ...node, type: rest })) return undefined;
  const out: Record<string, unknown> = { ...node };
  if (typeHasNull) out.type = rest.length === 1 ? rest[0] : rest;
  if (enumHasNull) out.enum = (node.enum as unknown[]).filter((v) => v !== null);
  if (!typeHasNull && t.length === 1 && t[0] === 'null') delete out.type;
  return out;
}
