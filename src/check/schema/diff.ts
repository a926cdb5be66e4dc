/**
 * Semantic diff of two JSON Schemas with the direction of compatibility.
 *
 * A message's schema is shared by its producer and its consumers, and they deploy at different
 * times. So every change is judged twice:
 *   consumers — the producer ships the new schema while consumers still validate (and read) with
 *     the old one: anything the new schema accepts that the old one rejects breaks them
 *     (the new schema is WIDER);
 *   producers — consumers validate with the new schema while the producer still sends by the
 *     old one: anything the old schema accepts that the new one rejects breaks it
 *     (the new schema is NARROWER).
 * A change can be both (a type changed from string to integer). Pure: no I/O.
 */
import type { JsonSchema } from '../../compiler/model.js';
import type { Impact } from '../findings.js';
import {
  ANNOTATIONS,
  canonicalSchema,
  canonicalValue,
  child,
  deref,
  isObjectSchema,
  type SchemaNode,
  type SchemaObject,
} from './resolve.js';

export type SchemaRule =
  | 'type-widened'
  | 'type-narrowed'
  | 'type-changed'
  | 'required-added'
  | 'required-removed'
  | 'property-added'
  | 'property-removed'
  | 'property-renamed'
  | 'enum-widened'
  | 'enum-narrowed'
  | 'enum-changed'
  | 'additional-properties-tightened'
  | 'additional-properties-loosened'
  | 'format-added'
  | 'format-removed'
  | 'format-changed'
  | 'constraint-tightened'
  | 'constraint-loosened'
  | 'constraint-changed'
  | 'pattern-changed'
  | 'branch-added'
  | 'branch-removed'
  | 'composition-changed'
  | 'ref-target-changed'
  | 'keyword-changed';

export interface SchemaChange {
  readonly rule: SchemaRule;
  /** The instance field it is about, for people: `customer.address.city`, `lines[].sku`. */
  readonly field: string;
  /** JSON pointers into the base and head schema (one of them absent for additions/removals). */
  readonly basePointer?: string;
  readonly headPointer?: string;
  readonly consumers: Impact;
  readonly producers: Impact;
  readonly message: string;
}

type TypeName = 'string' | 'number' | 'integer' | 'boolean' | 'object' | 'array' | 'null';
const ALL_TYPES: readonly TypeName[] = ['string', 'number', 'integer', 'boolean', 'object', 'array', 'null'];

/** Keywords whose semantics this module understands; any other keyword is compared by value. */
const HANDLED = new Set([
  '$ref',
  'type',
  'enum',
  'const',
  'properties',
  'required',
  'additionalProperties',
  'patternProperties',
  'propertyNames',
  'minProperties',
  'maxProperties',
  'items',
  'prefixItems',
  'additionalItems',
  'minItems',
  'maxItems',
  'uniqueItems',
  'minLength',
  'maxLength',
  'pattern',
  'format',
  'minimum',
  'maximum',
  'exclusiveMinimum',
  'exclusiveMaximum',
  'multipleOf',
  'oneOf',
  'anyOf',
  'allOf',
  'not',
]);

const fieldName = (field: string) => (field === '' ? '(root)' : field);
const show = (v: unknown) => (typeof v === 'string' ? JSON.stringify(v) : canonicalValue(v));
const code = (field: string) => `\`${fieldName(field)}\``;

class SchemaComparison {
  readonly changes: SchemaChange[] = [];
  private readonly visited = new Set<string>();

  constructor(
    private readonly baseRoot: JsonSchema,
    private readonly headRoot: JsonSchema,
  ) {}

  private add(change: Omit<SchemaChange, 'basePointer' | 'headPointer'>, base?: SchemaNode, head?: SchemaNode) {
    this.changes.push({
      ...change,
      ...(base ? { basePointer: base.pointer } : {}),
      ...(head ? { headPointer: head.pointer } : {}),
    });
  }

  compare(baseIn: SchemaNode, headIn: SchemaNode, field: string): void {
    const b = deref(baseIn, this.baseRoot);
    const h = deref(headIn, this.headRoot);
    const base = b.node;
    const head = h.node;
    // Recursive schemas: each pair of definitions is compared once.
    const key = `${base.pointer}\u0000${head.pointer}`;
    if (this.visited.has(key)) return;
    this.visited.add(key);

    const baseRef = b.refs.at(-1) ?? componentName(base.schema);
    const headRef = h.refs.at(-1) ?? componentName(head.schema);
    const same = canonicalSchema(base.schema, this.baseRoot) === canonicalSchema(head.schema, this.headRoot);
    if (same) return;
    // Retargeting to an equal schema is no change; to a different one, say where the change came from.
    if (baseRef !== undefined && headRef !== undefined && baseRef !== headRef) {
      this.add(
        {
          rule: 'ref-target-changed',
          field,
          consumers: 'none',
          producers: 'none',
          message: `${code(field)} now refers to ${headRef} (was ${baseRef}); the differences follow`,
        },
        base,
        head,
      );
    }

    const bs = normalize(base.schema);
    const hs = normalize(head.schema);
    if (bs === false || hs === false) {
      // `false` accepts nothing: going from it widens, going to it narrows everything.
      const widened = bs === false;
      this.add(
        {
          rule: widened ? 'type-widened' : 'type-narrowed',
          field,
          consumers: widened ? 'breaking' : 'none',
          producers: widened ? 'none' : 'breaking',
          message: widened ? `${code(field)} was forbidden (false) and is now allowed` : `${code(field)} is now forbidden (schema false)`,
        },
        base,
        head,
      );
      return;
    }

    if (this.compareWrappedBranches(base, head, bs, hs, field)) return;

    const common = this.compareTypes(base, head, bs, hs, field);
    if (common.size === 0) return;

    this.compareEnum(base, head, bs, hs, field);
    if (has(common, 'object')) this.compareObject(base, head, bs, hs, field);
    if (has(common, 'array')) this.compareArray(base, head, bs, hs, field);
    if (has(common, 'string')) this.compareString(base, head, bs, hs, field);
    if (has(common, 'number') || has(common, 'integer')) this.compareNumber(base, head, bs, hs, field);
    this.compareBranches(base, head, bs, hs, field);
    this.compareAllOf(base, head, bs, hs, field);
    this.compareOthers(base, head, bs, hs, field);
  }

  // ── types ─────────────────────────────────────────────────────────────────────────────

  /** Reports a type change and returns the types both sides accept (all types when untyped). */
  private compareTypes(base: SchemaNode, head: SchemaNode, bs: SchemaObject, hs: SchemaObject, field: string): Set<TypeName> {
    const bt = declaredTypes(bs);
    const ht = declaredTypes(hs);
    const narrowed = [...bt].filter((t) => !accepts(ht, t));
    const widened = [...ht].filter((t) => !accepts(bt, t));
    const describe = (s: SchemaObject) => (s.type === undefined ? 'any type' : [s.type].flat().join(' | '));
    if (narrowed.length > 0 || widened.length > 0) {
      const both = narrowed.length > 0 && widened.length > 0;
      const rule: SchemaRule = both ? 'type-changed' : widened.length > 0 ? 'type-widened' : 'type-narrowed';
      const why = both
        ? 'old consumers cannot read the new values and new consumers reject the old ones'
        : widened.length > 0
          ? `old consumers reject or misread ${widened.join('/')} values`
          : `old producers still send ${narrowed.join('/')} values`;
      this.add(
        {
          rule,
          field,
          consumers: widened.length > 0 ? 'breaking' : 'none',
          producers: narrowed.length > 0 ? 'breaking' : 'none',
          message: `${code(field)} type changed from ${describe(bs)} to ${describe(hs)}: ${why}`,
        },
        base,
        head,
      );
    }
    const common = new Set<TypeName>();
    for (const t of bt) if (accepts(ht, t)) common.add(t);
    for (const t of ht) if (accepts(bt, t)) common.add(t);
    return common;
  }

  // ── enum / const ──────────────────────────────────────────────────────────────────────

  private compareEnum(base: SchemaNode, head: SchemaNode, bs: SchemaObject, hs: SchemaObject, field: string) {
    const be = allowedValues(bs);
    const he = allowedValues(hs);
    if (be === undefined && he === undefined) return;
    const list = (values: Map<string, unknown>) => [...values.values()].map(show).join(', ');
    if (be === undefined || he === undefined) {
      const narrowed = be === undefined;
      this.add(
        {
          rule: narrowed ? 'enum-narrowed' : 'enum-widened',
          field,
          consumers: narrowed ? 'none' : 'breaking',
          producers: narrowed ? 'breaking' : 'none',
          message: narrowed
            ? `${code(field)} is now limited to ${list(he!)}: old producers may send other values`
            : `${code(field)} is no longer limited to ${list(be)}: old consumers reject or misread other values`,
        },
        base,
        head,
      );
      return;
    }
    const removed = new Map([...be].filter(([k]) => !he.has(k)));
    const added = new Map([...he].filter(([k]) => !be.has(k)));
    if (removed.size === 0 && added.size === 0) return;
    const rule: SchemaRule = removed.size > 0 && added.size > 0 ? 'enum-changed' : removed.size > 0 ? 'enum-narrowed' : 'enum-widened';
    const parts = [
      ...(added.size > 0 ? [`adds ${list(added)} (old consumers reject or misread it)`] : []),
      ...(removed.size > 0 ? [`removes ${list(removed)} (old producers still send it)`] : []),
    ];
    this.add(
      {
        rule,
        field,
        consumers: added.size > 0 ? 'breaking' : 'none',
        producers: removed.size > 0 ? 'breaking' : 'none',
        message: `${code(field)} ${parts.join(' and ')}`,
      },
      base,
      head,
    );
  }

  // ── objects ───────────────────────────────────────────────────────────────────────────

  private compareObject(base: SchemaNode, head: SchemaNode, bs: SchemaObject, hs: SchemaObject, field: string) {
    const bp = properties(bs);
    const hp = properties(hs);
    const br = new Set(requiredOf(bs));
    const hr = new Set(requiredOf(hs));
    const baseClosed = closed(bs);
    const headClosed = closed(hs);
    const sub = (name: string) => (field === '' ? name : `${field}.${name}`);

    const removed = [...bp].filter((n) => !hp.includes(n));
    const added = hp.filter((n) => !bp.includes(n));

    // A property removed and one added with the same shape is a rename: report it as one.
    const renames = new Map<string, string>();
    for (const oldName of removed) {
      const oldNode = child(base, 'properties', oldName)!;
      const shape = canonicalSchema(deref(oldNode, this.baseRoot).node.schema, this.baseRoot);
      const match = added.find(
        (n) =>
          ![...renames.values()].includes(n) &&
          canonicalSchema(deref(child(head, 'properties', n)!, this.headRoot).node.schema, this.headRoot) === shape,
      );
      if (match !== undefined) renames.set(oldName, match);
    }

    for (const name of bp.filter((n) => hp.includes(n))) {
      this.compare(child(base, 'properties', name)!, child(head, 'properties', name)!, sub(name));
    }

    for (const [from, to] of renames) {
      const producers: Impact = hr.has(to) || headClosed ? 'breaking' : 'risky';
      this.add(
        {
          rule: 'property-renamed',
          field: sub(from),
          consumers: 'breaking',
          producers,
          message: `${code(sub(from))} renamed to ${code(sub(to))}: old consumers read \`${from}\` and no longer find it${
            producers === 'breaking' ? `; new consumers reject old producers' messages without \`${to}\`` : ''
          }`,
        },
        child(base, 'properties', from),
        child(head, 'properties', to),
      );
    }

    for (const name of removed.filter((n) => !renames.has(n))) {
      const wasRequired = br.has(name);
      this.add(
        {
          rule: 'property-removed',
          field: sub(name),
          consumers: wasRequired ? 'breaking' : 'risky',
          producers: headClosed ? 'breaking' : 'none',
          message: `${code(sub(name))} removed${wasRequired ? ' (it was required, so old consumers rely on it)' : ': old consumers that read it get nothing'}${
            headClosed ? '; additionalProperties is false, so new consumers reject old producers that still send it' : ''
          }`,
        },
        child(base, 'properties', name),
        // Reported in the new schema, where the property is missing: that is what a reviewer sees.
        child(head, 'properties') ?? head,
      );
    }

    for (const name of added.filter((n) => ![...renames.values()].includes(n))) {
      const required = hr.has(name);
      this.add(
        {
          rule: required ? 'required-added' : 'property-added',
          field: sub(name),
          consumers: baseClosed ? 'breaking' : 'none',
          producers: required ? 'breaking' : 'none',
          message: `${code(sub(name))} added${required ? ' as required: old producers do not send it' : ''}${
            baseClosed ? `; the old schema has additionalProperties false, so old consumers reject it` : ''
          }`,
        },
        base,
        child(head, 'properties', name),
      );
    }

    // Requiredness of properties present on both sides (or declared only through `required`).
    const renamedTargets = new Set(renames.values());
    for (const name of [...hr].filter((n) => !br.has(n) && !added.includes(n) && !renamedTargets.has(n))) {
      this.add(
        {
          rule: 'required-added',
          field: sub(name),
          consumers: 'none',
          producers: 'breaking',
          message: `${code(sub(name))} is now required: old producers may leave it out`,
        },
        base,
        child(head, 'properties', name) ?? head,
      );
    }
    for (const name of [...br].filter((n) => !hr.has(n) && !removed.includes(n))) {
      this.add(
        {
          rule: 'required-removed',
          field: sub(name),
          consumers: 'breaking',
          producers: 'none',
          message: `${code(sub(name))} is no longer required: old consumers expect it to be present`,
        },
        child(base, 'properties', name) ?? base,
        child(head, 'properties', name) ?? head,
      );
    }

    this.compareAdditionalProperties(base, head, bs, hs, field);
    this.compareBound(base, head, bs, hs, field, 'minProperties', 'lower');
    this.compareBound(base, head, bs, hs, field, 'maxProperties', 'upper');
    const bn = child(base, 'propertyNames');
    const hn = child(head, 'propertyNames');
    if (bn && hn) this.compare(bn, hn, field === '' ? '<keys>' : `${field}.<keys>`);
    else if (bn || hn) this.keywordChange(base, head, field, 'propertyNames', bn ? 'loosened' : 'tightened');
  }

  private compareAdditionalProperties(base: SchemaNode, head: SchemaNode, bs: SchemaObject, hs: SchemaObject, field: string) {
    const ba = bs.additionalProperties ?? true;
    const ha = hs.additionalProperties ?? true;
    const wildcard = field === '' ? '*' : `${field}.*`;
    const bNode = child(base, 'additionalProperties');
    const hNode = child(head, 'additionalProperties');
    if (isObjectSchema(ba) && isObjectSchema(ha) && bNode && hNode) {
      this.compare(bNode, hNode, wildcard);
    } else if (level(ha) !== level(ba)) {
      const tightened = level(ha) < level(ba);
      const describe = (v: unknown) => (typeof v === 'boolean' ? String(v) : 'a schema');
      this.add(
        {
          rule: tightened ? 'additional-properties-tightened' : 'additional-properties-loosened',
          field,
          consumers: tightened ? 'none' : 'risky',
          producers: tightened ? (ha === false ? 'breaking' : 'risky') : 'none',
          message: tightened
            ? `${code(field)} additionalProperties tightened from ${describe(ba)} to ${describe(ha)}: new consumers reject properties old producers may send`
            : `${code(field)} additionalProperties loosened from ${describe(ba)} to ${describe(ha)}: old consumers reject properties the schema now allows`,
        },
        bNode ?? base,
        hNode ?? head,
      );
    }

    const bpp = isObjectSchema(bs.patternProperties) ? Object.keys(bs.patternProperties) : [];
    const hpp = isObjectSchema(hs.patternProperties) ? Object.keys(hs.patternProperties) : [];
    for (const pattern of bpp.filter((p) => hpp.includes(p))) {
      this.compare(child(base, 'patternProperties', pattern)!, child(head, 'patternProperties', pattern)!, `${wildcard}(${pattern})`);
    }
    for (const pattern of hpp.filter((p) => !bpp.includes(p))) {
      this.add(
        {
          rule: 'additional-properties-tightened',
          field,
          consumers: 'none',
          producers: 'risky',
          message: `${code(field)} constrains properties matching /${pattern}/ now: old producers may send others`,
        },
        base,
        child(head, 'patternProperties', pattern),
      );
    }
    for (const pattern of bpp.filter((p) => !hpp.includes(p))) {
      this.add(
        {
          rule: 'additional-properties-loosened',
          field,
          consumers: 'risky',
          producers: 'none',
          message: `${code(field)} no longer constrains properties matching /${pattern}/: old consumers may reject them`,
        },
        child(base, 'patternProperties', pattern),
        head,
      );
    }
  }

  // ── arrays ────────────────────────────────────────────────────────────────────────────

  private compareArray(base: SchemaNode, head: SchemaNode, bs: SchemaObject, hs: SchemaObject, field: string) {
    const items = `${field}[]`;
    const bi = bs.items;
    const hi = hs.items;
    if (Array.isArray(bi) || Array.isArray(hi) || bs.prefixItems !== undefined || hs.prefixItems !== undefined) {
      // Tuples: position by position; the rest of the tuple shape is compared by value.
      const key = Array.isArray(bi) || Array.isArray(hi) ? 'items' : 'prefixItems';
      const bt = Array.isArray(bs[key]) ? (bs[key] as unknown[]) : [];
      const ht = Array.isArray(hs[key]) ? (hs[key] as unknown[]) : [];
      for (let i = 0; i < Math.min(bt.length, ht.length); i++) {
        this.compare(child(base, key, i)!, child(head, key, i)!, `${field}[${i}]`);
      }
      if (bt.length !== ht.length || (key === 'items' && !(Array.isArray(bi) && Array.isArray(hi)))) {
        this.keywordChange(base, head, field, key, 'changed');
      }
      const ba = child(base, 'additionalItems');
      const ha = child(head, 'additionalItems');
      if (ba && ha) this.compare(ba, ha, `${field}[+]`);
      else if (ba || ha) this.keywordChange(base, head, field, 'additionalItems', ba ? 'loosened' : 'tightened');
    }
    if (!Array.isArray(bi) && !Array.isArray(hi)) {
      const bn = child(base, 'items') ?? { schema: true, pointer: `${base.pointer}/items` };
      const hn = child(head, 'items') ?? { schema: true, pointer: `${head.pointer}/items` };
      if (bi !== undefined || hi !== undefined) this.compare(bn, hn, items);
    }
    this.compareBound(base, head, bs, hs, field, 'minItems', 'lower');
    this.compareBound(base, head, bs, hs, field, 'maxItems', 'upper');
    const bu = bs.uniqueItems === true;
    const hu = hs.uniqueItems === true;
    if (bu !== hu) {
      this.add(
        {
          rule: hu ? 'constraint-tightened' : 'constraint-loosened',
          field,
          consumers: hu ? 'none' : 'breaking',
          producers: hu ? 'breaking' : 'none',
          message: hu
            ? `${code(field)} now requires unique items: old producers may send duplicates`
            : `${code(field)} no longer requires unique items: old consumers reject duplicates`,
        },
        base,
        head,
      );
    }
    const bc = child(base, 'contains');
    const hc = child(head, 'contains');
    if (bc && hc) this.compare(bc, hc, `${field}[contains]`);
    else if (bc || hc) this.keywordChange(base, head, field, 'contains', bc ? 'loosened' : 'tightened');
  }

  // ── strings ───────────────────────────────────────────────────────────────────────────

  private compareString(base: SchemaNode, head: SchemaNode, bs: SchemaObject, hs: SchemaObject, field: string) {
    this.compareBound(base, head, bs, hs, field, 'minLength', 'lower');
    this.compareBound(base, head, bs, hs, field, 'maxLength', 'upper');
    this.comparePattern(base, head, bs, hs, field);
    this.compareFormat(base, head, bs, hs, field);
  }

  private comparePattern(base: SchemaNode, head: SchemaNode, bs: SchemaObject, hs: SchemaObject, field: string) {
    const bp = bs.pattern;
    const hp = hs.pattern;
    if (bp === hp) return;
    if (bp === undefined || hp === undefined) {
      const tightened = bp === undefined;
      this.add(
        {
          rule: tightened ? 'constraint-tightened' : 'constraint-loosened',
          field,
          consumers: tightened ? 'none' : 'breaking',
          producers: tightened ? 'breaking' : 'none',
          message: tightened
            ? `${code(field)} must now match /${String(hp)}/: old producers may send other strings`
            : `${code(field)} no longer has to match /${String(bp)}/: old consumers reject other strings`,
        },
        base,
        head,
      );
      return;
    }
    // Regular-language inclusion is undecidable for ECMAScript regexes in general: changed = both.
    this.add(
      {
        rule: 'pattern-changed',
        field,
        consumers: 'breaking',
        producers: 'breaking',
        message: `${code(field)} pattern changed from /${String(bp)}/ to /${String(hp)}/: strings valid for one may be rejected by the other`,
      },
      base,
      head,
    );
  }

  private compareFormat(base: SchemaNode, head: SchemaNode, bs: SchemaObject, hs: SchemaObject, field: string) {
    const bf = bs.format;
    const hf = hs.format;
    if (bf === hf) return;
    if (typeof bf === 'string' && typeof hf === 'string' && formatWidens(bf, hf)) {
      this.add(
        {
          rule: 'format-changed',
          field,
          consumers: 'breaking',
          producers: 'none',
          message: `${code(field)} format widened from ${bf} to ${hf}: old consumers reject the new values`,
        },
        base,
        head,
      );
      return;
    }
    const rule: SchemaRule = bf === undefined ? 'format-added' : hf === undefined ? 'format-removed' : 'format-changed';
    const message =
      rule === 'format-added'
        ? `${code(field)} must now be a ${String(hf)}: old producers may send other strings`
        : rule === 'format-removed'
          ? `${code(field)} is no longer a ${String(bf)}: old consumers reject or misread other strings`
          : `${code(field)} format changed from ${String(bf)} to ${String(hf)}`;
    this.add(
      {
        rule,
        field,
        consumers: rule === 'format-added' ? 'none' : 'breaking',
        producers: rule === 'format-removed' ? 'none' : 'breaking',
        message,
      },
      base,
      head,
    );
  }

  // ── numbers ───────────────────────────────────────────────────────────────────────────

  private compareNumber(base: SchemaNode, head: SchemaNode, bs: SchemaObject, hs: SchemaObject, field: string) {
    this.compareNumericBound(base, head, lowerBound(bs), lowerBound(hs), field, 'lower');
    this.compareNumericBound(base, head, upperBound(bs), upperBound(hs), field, 'upper');
    const bm = typeof bs.multipleOf === 'number' ? bs.multipleOf : undefined;
    const hm = typeof hs.multipleOf === 'number' ? hs.multipleOf : undefined;
    if (bm === hm) return;
    const divides = (a: number, b: number) => Number.isInteger(b / a);
    const tightened = bm === undefined || (hm !== undefined && divides(bm, hm));
    const loosened = hm === undefined || (bm !== undefined && divides(hm, bm));
    const rule: SchemaRule = tightened && !loosened ? 'constraint-tightened' : loosened && !tightened ? 'constraint-loosened' : 'constraint-changed';
    this.add(
      {
        rule,
        field,
        consumers: rule === 'constraint-tightened' ? 'none' : 'breaking',
        producers: rule === 'constraint-loosened' ? 'none' : 'breaking',
        message: `${code(field)} multipleOf changed from ${bm ?? 'none'} to ${hm ?? 'none'}`,
      },
      base,
      head,
    );
  }

  private compareNumericBound(base: SchemaNode, head: SchemaNode, b: Bound | undefined, h: Bound | undefined, field: string, side: 'lower' | 'upper') {
    if (b === undefined && h === undefined) return;
    if (b !== undefined && h !== undefined && b.value === h.value && b.exclusive === h.exclusive) return;
    const sign = side === 'lower' ? 1 : -1;
    let tightened: boolean;
    if (b === undefined) tightened = true;
    else if (h === undefined) tightened = false;
    else tightened = sign * (h.value - b.value) > 0 || (h.value === b.value && h.exclusive);
    const describe = (x: Bound | undefined) =>
      x === undefined ? 'none' : `${side === 'lower' ? (x.exclusive ? '>' : '≥') : x.exclusive ? '<' : '≤'} ${x.value}`;
    this.add(
      {
        rule: tightened ? 'constraint-tightened' : 'constraint-loosened',
        field,
        consumers: tightened ? 'none' : 'breaking',
        producers: tightened ? 'breaking' : 'none',
        message: `${code(field)} ${side === 'lower' ? 'minimum' : 'maximum'} ${tightened ? 'tightened' : 'loosened'} from ${describe(b)} to ${describe(h)}: ${
          tightened ? 'old producers may send values now out of range' : 'old consumers reject the values now allowed'
        }`,
      },
      base,
      head,
    );
  }

  /** minLength/maxLength/minItems/… : a lower bound rising or an upper bound falling tightens. */
  private compareBound(base: SchemaNode, head: SchemaNode, bs: SchemaObject, hs: SchemaObject, field: string, keyword: string, side: 'lower' | 'upper') {
    const b = typeof bs[keyword] === 'number' ? (bs[keyword] as number) : undefined;
    const h = typeof hs[keyword] === 'number' ? (hs[keyword] as number) : undefined;
    // minX: 0 is no constraint at all.
    const bv = side === 'lower' && b === 0 ? undefined : b;
    const hv = side === 'lower' && h === 0 ? undefined : h;
    if (bv === hv) return;
    const tightened = bv === undefined ? true : hv === undefined ? false : side === 'lower' ? hv > bv : hv < bv;
    this.add(
      {
        rule: tightened ? 'constraint-tightened' : 'constraint-loosened',
        field,
        consumers: tightened ? 'none' : 'breaking',
        producers: tightened ? 'breaking' : 'none',
        message: `${code(field)} ${keyword} ${bv === undefined ? `added (${hv})` : hv === undefined ? `removed (was ${bv})` : `changed from ${bv} to ${hv}`}: ${
          tightened ? 'old producers may send values it now rejects' : 'old consumers reject values it now allows'
        }`,
      },
      child(base, keyword) ?? base,
      child(head, keyword) ?? head,
    );
  }

  // ── composition ───────────────────────────────────────────────────────────────────────

  /**
   * `{type: string}` → `{oneOf: [{type: string}, {type: integer}]}` is a branch added, not a
   * rewrite: when only one side is a bare oneOf/anyOf, the other side is its single branch.
   */
  private compareWrappedBranches(base: SchemaNode, head: SchemaNode, bs: SchemaObject, hs: SchemaObject, field: string): boolean {
    const bk = branchKeyword(bs);
    const hk = branchKeyword(hs);
    if ((bk === undefined) === (hk === undefined)) return false;
    const composite = bk ? bs : hs;
    if (Object.keys(composite).some((k) => k !== bk && k !== hk && !ANNOTATIONS.has(k) && !k.startsWith('x-'))) return false;
    const baseBranches = bk ? branches(base, bk) : [base];
    const headBranches = hk ? branches(head, hk) : [head];
    this.matchBranches(base, head, baseBranches, headBranches, field, (bk ?? hk)!);
    return true;
  }

  private compareBranches(base: SchemaNode, head: SchemaNode, bs: SchemaObject, hs: SchemaObject, field: string) {
    const bk = branchKeyword(bs);
    const hk = branchKeyword(hs);
    if (bk === undefined && hk === undefined) return;
    if (bk !== undefined && hk !== undefined && bk !== hk) {
      this.add(
        {
          rule: 'composition-changed',
          field,
          consumers: bk === 'oneOf' ? 'risky' : 'none',
          producers: hk === 'oneOf' ? 'risky' : 'none',
          message: `${code(field)} changed from ${bk} to ${hk}: values matching several branches are ${hk === 'oneOf' ? 'now rejected' : 'now accepted'}`,
        },
        base,
        head,
      );
    }
    const kw = (hk ?? bk)!;
    // A oneOf added beside other keywords constrains further; one removed relaxes.
    const bb = bk ? branches(base, bk) : [];
    const hb = hk ? branches(head, hk) : [];
    if (bk === undefined || hk === undefined) {
      const added = bk === undefined;
      this.add(
        {
          rule: 'composition-changed',
          field,
          consumers: added ? 'none' : 'breaking',
          producers: added ? 'breaking' : 'none',
          message: added
            ? `${code(field)} must now match ${kw} of ${hb.length} branches: old producers' values may match none`
            : `${code(field)} no longer has to match ${kw}: old consumers reject values outside its branches`,
        },
        base,
        head,
      );
      return;
    }
    this.matchBranches(base, head, bb, hb, field, kw);
  }

  private matchBranches(base: SchemaNode, head: SchemaNode, bb: SchemaNode[], hb: SchemaNode[], field: string, kw: string) {
    const bc = bb.map((n) => canonicalSchema(n.schema, this.baseRoot));
    const hc = hb.map((n) => canonicalSchema(n.schema, this.headRoot));
    const pairs: Array<[number, number]> = [];
    const usedB = new Set<number>();
    const usedH = new Set<number>();
    // 1. identical branches; 2. branches with the same identity (title, ref, discriminator value, type).
    bc.forEach((c, i) => {
      const j = hc.findIndex((x, k) => x === c && !usedH.has(k));
      if (j >= 0) {
        usedB.add(i);
        usedH.add(j);
      }
    });
    const bIds = bb.map((n) => branchIdentity(n, this.baseRoot));
    const hIds = hb.map((n) => branchIdentity(n, this.headRoot));
    bIds.forEach((id, i) => {
      if (usedB.has(i) || id === undefined) return;
      const j = hIds.findIndex((x, k) => x === id && !usedH.has(k));
      if (j >= 0) {
        usedB.add(i);
        usedH.add(j);
        pairs.push([i, j]);
      }
    });
    // 3. one branch left on each side: it was edited in place.
    const restB = bb.map((_, i) => i).filter((i) => !usedB.has(i));
    const restH = hb.map((_, i) => i).filter((i) => !usedH.has(i));
    if (restB.length === 1 && restH.length === 1) {
      pairs.push([restB[0]!, restH[0]!]);
      restB.length = 0;
      restH.length = 0;
    }
    const label = (n: SchemaNode, root: JsonSchema, i: number) => branchIdentity(n, root) ?? `#${i + 1}`;
    for (const [i, j] of pairs) this.compare(bb[i]!, hb[j]!, `${field}<${kw} ${label(hb[j]!, this.headRoot, j)}>`);
    for (const i of restB) {
      this.add(
        {
          rule: 'branch-removed',
          field,
          consumers: 'none',
          producers: 'breaking',
          message: `${code(field)} ${kw} branch ${label(bb[i]!, this.baseRoot, i)} removed: old producers may still send it`,
        },
        bb[i],
        child(head, kw) ?? head,
      );
    }
    for (const j of restH) {
      this.add(
        {
          rule: 'branch-added',
          field,
          consumers: 'breaking',
          producers: 'none',
          message: `${code(field)} ${kw} branch ${label(hb[j]!, this.headRoot, j)} added: old consumers reject or misread it`,
        },
        undefined,
        hb[j],
      );
    }
  }

  private compareAllOf(base: SchemaNode, head: SchemaNode, bs: SchemaObject, hs: SchemaObject, field: string) {
    const ba = Array.isArray(bs.allOf) ? bs.allOf.length : 0;
    const ha = Array.isArray(hs.allOf) ? hs.allOf.length : 0;
    if (ba === 0 && ha === 0) return;
    if (ba === ha) {
      for (let i = 0; i < ba; i++) this.compare(child(base, 'allOf', i)!, child(head, 'allOf', i)!, field);
      return;
    }
    this.keywordChange(base, head, field, 'allOf', ha > ba ? 'tightened' : ba > ha ? 'loosened' : 'changed');
  }

  /** Keywords without a dedicated rule (`not`, `if`/`then`, dependencies…): changed = risky both ways. */
  private compareOthers(base: SchemaNode, head: SchemaNode, bs: SchemaObject, hs: SchemaObject, field: string) {
    const keys = new Set([...Object.keys(bs), ...Object.keys(hs)]);
    for (const key of [...keys].sort()) {
      if (HANDLED.has(key) || ANNOTATIONS.has(key) || key.startsWith('x-')) continue;
      const b = bs[key] === undefined ? undefined : canonicalSchema({ [key]: bs[key] } as JsonSchema, this.baseRoot);
      const h = hs[key] === undefined ? undefined : canonicalSchema({ [key]: hs[key] } as JsonSchema, this.headRoot);
      if (b !== h) this.keywordChange(base, head, field, key, b === undefined ? 'tightened' : h === undefined ? 'loosened' : 'changed');
    }
    const bn = child(base, 'not');
    const hn = child(head, 'not');
    if ((bn || hn) && canonicalSchema(bn?.schema ?? {}, this.baseRoot) !== canonicalSchema(hn?.schema ?? {}, this.headRoot)) {
      this.keywordChange(base, head, field, 'not', 'changed');
    }
  }

  private keywordChange(base: SchemaNode, head: SchemaNode, field: string, keyword: string, how: 'tightened' | 'loosened' | 'changed') {
    this.add(
      {
        rule: 'keyword-changed',
        field,
        consumers: how === 'tightened' ? 'none' : 'risky',
        producers: how === 'loosened' ? 'none' : 'risky',
        message: `${code(field)} \`${keyword}\` ${how === 'changed' ? 'changed' : how === 'tightened' ? 'added' : 'removed'}: check by hand which messages it now ${
          how === 'loosened' ? 'allows' : 'rejects'
        }`,
      },
      child(base, keyword) ?? base,
      child(head, keyword) ?? head,
    );
  }
}

// ── helpers ─────────────────────────────────────────────────────────────────────────────

/**
 * The component a schema was referenced from. The compiler inlines `$ref`s and keeps the
 * component's name in `x-ep-name`, so a retargeted reference is still visible.
 */
function componentName(schema: JsonSchema): string | undefined {
  return isObjectSchema(schema) && typeof schema['x-ep-name'] === 'string' ? schema['x-ep-name'] : undefined;
}

function normalize(schema: JsonSchema): SchemaObject | false {
  if (schema === true) return {};
  if (schema === false) return false;
  return schema;
}

/** additionalProperties: `false` < a schema < `true` (or `{}`), by what they let through. */
function level(v: unknown): number {
  if (v === false) return 0;
  return v === true || (isObjectSchema(v) && Object.keys(v).length === 0) ? 2 : 1;
}

function has(set: Set<TypeName>, t: TypeName) {
  return set.has(t) || (t === 'integer' && set.has('number')) || (t === 'number' && set.has('integer'));
}

/** The types a schema admits: its `type`, else the types of its enum/const, else all. */
function declaredTypes(s: SchemaObject): Set<TypeName> {
  if (typeof s.type === 'string' || Array.isArray(s.type)) {
    return new Set([s.type].flat().filter((t): t is TypeName => ALL_TYPES.includes(t as TypeName)));
  }
  const values = allowedValues(s);
  if (values) return new Set([...values.values()].map(typeOfValue));
  return new Set(ALL_TYPES);
}

function typeOfValue(v: unknown): TypeName {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'array';
  if (typeof v === 'number') return Number.isInteger(v) ? 'integer' : 'number';
  return typeof v as TypeName;
}

/** Every integer is a number: integer → number widens, number → integer narrows. */
function accepts(types: Set<TypeName>, t: TypeName): boolean {
  return types.has(t) || (t === 'integer' && types.has('number'));
}

function allowedValues(s: SchemaObject): Map<string, unknown> | undefined {
  if ('const' in s) return new Map([[canonicalValue(s.const), s.const]]);
  if (Array.isArray(s.enum)) return new Map(s.enum.map((v) => [canonicalValue(v), v]));
  return undefined;
}

function properties(s: SchemaObject): string[] {
  return isObjectSchema(s.properties) ? Object.keys(s.properties) : [];
}

function requiredOf(s: SchemaObject): string[] {
  return Array.isArray(s.required) ? s.required.filter((r): r is string => typeof r === 'string') : [];
}

function closed(s: SchemaObject): boolean {
  return (s.additionalProperties === false || s.unevaluatedProperties === false) && s.patternProperties === undefined;
}

interface Bound {
  readonly value: number;
  readonly exclusive: boolean;
}

function bound(s: SchemaObject, inclusive: string, exclusive: string, pick: (a: number, b: number) => boolean): Bound | undefined {
  const candidates: Bound[] = [];
  const inc = s[inclusive];
  const exc = s[exclusive];
  if (typeof inc === 'number') candidates.push({ value: inc, exclusive: exc === true });
  if (typeof exc === 'number') candidates.push({ value: exc, exclusive: true });
  return candidates.reduce<Bound | undefined>(
    (best, c) => (best === undefined || pick(c.value, best.value) || (c.value === best.value && c.exclusive) ? c : best),
    undefined,
  );
}

const lowerBound = (s: SchemaObject) => bound(s, 'minimum', 'exclusiveMinimum', (a, b) => a > b);
const upperBound = (s: SchemaObject) => bound(s, 'maximum', 'exclusiveMaximum', (a, b) => a < b);

/** Known format widenings (every value of the first is a value of the second). */
function formatWidens(from: string, to: string): boolean {
  const wider: Record<string, string[]> = { int32: ['int64'], float: ['double'], email: ['idn-email'], hostname: ['idn-hostname'], uri: ['iri'] };
  return wider[from]?.includes(to) ?? false;
}

function branchKeyword(s: SchemaObject): 'oneOf' | 'anyOf' | undefined {
  if (Array.isArray(s.oneOf)) return 'oneOf';
  if (Array.isArray(s.anyOf)) return 'anyOf';
  return undefined;
}

function branches(node: SchemaNode, kw: string): SchemaNode[] {
  const list = (node.schema as SchemaObject)[kw] as unknown[];
  return list.map((_, i) => child(node, kw, i)!);
}

/** What makes a branch "the same branch" across versions: its title, ref, discriminator value or sole type. */
function branchIdentity(node: SchemaNode, root: JsonSchema): string | undefined {
  const raw = node.schema;
  if (isObjectSchema(raw) && typeof raw.$ref === 'string') return raw.$ref.split('/').at(-1);
  const s = deref(node, root).node.schema;
  if (!isObjectSchema(s)) return undefined;
  if (typeof s.title === 'string') return s.title;
  if (isObjectSchema(s.properties)) {
    for (const [name, prop] of Object.entries(s.properties)) {
      if (isObjectSchema(prop) && 'const' in prop) return `${name}=${canonicalValue(prop.const)}`;
      if (isObjectSchema(prop) && Array.isArray(prop.enum) && prop.enum.length === 1) return `${name}=${canonicalValue(prop.enum[0])}`;
    }
  }
  if (typeof s.type === 'string') return s.type;
  return undefined;
}

/**
 * All semantic differences between two versions of a schema, each with what it does to
 * consumers and to producers. Equal schemas (by meaning) give an empty list.
 */
export function diffSchemas(base: JsonSchema, head: JsonSchema): SchemaChange[] {
  const comparison = new SchemaComparison(base, head);
  comparison.compare({ schema: base, pointer: '' }, { schema: head, pointer: '' }, '');
  return comparison.changes;
}
