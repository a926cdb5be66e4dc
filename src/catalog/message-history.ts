/**
 * A message's version history from the revisions of its spec file: which commits changed it,
 * its `x-version` at each, and a field-level changelog computed by diffing the flattened
 * payloads. Pure: the git reading happens in spec-history.ts.
 */
import { parse as parseYaml } from 'yaml';
import type { JsonSchema, MessageModel } from '../compiler/model.js';
import { schemaRows, type SchemaRow } from './schema-rows.js';

export interface CommitInfo {
  readonly hash: string;
  readonly shortHash: string;
  /** ISO 8601 author date. */
  readonly date: string;
  readonly author: string;
  readonly subject: string;
}

/** One committed state of a spec file. */
export interface FileRevision {
  readonly commit: CommitInfo;
  /** File content at that commit. */
  readonly content: string;
}

/** What the git reader found for the spec directory. */
export interface SpecRevisions {
  /** Why there is no history at all (not a git repository, git missing); undefined when read. */
  readonly unavailable?: string;
  /** Revisions per spec file (working-directory relative, as in the model), newest first. */
  readonly files: ReadonlyMap<string, readonly FileRevision[]>;
  /** Current content per spec file, to spot uncommitted edits. */
  readonly current: ReadonlyMap<string, string>;
}

export interface HistoryEntry {
  readonly kind: 'added' | 'changed' | 'uncommitted';
  /** `x-version` of the message in that state. */
  readonly version: string;
  /** Absent for uncommitted working-tree changes. */
  readonly commit?: CommitInfo;
  /** `version 1.1.0 → 1.2.0`, `added lines[].sku (string, required)`, … */
  readonly changes: readonly string[];
}

export interface MessageHistory {
  /** Newest first. */
  readonly entries: readonly HistoryEntry[];
  /** Shown when there are no entries: why. */
  readonly note?: string;
}

type Obj = { readonly [key: string]: unknown };
const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);

interface Footprint {
  readonly key: string;
  readonly version: string;
  readonly payload: JsonSchema;
  readonly rest: string;
}

function pointer(doc: unknown, ref: string): unknown {
  let node = doc;
  for (const part of ref.slice(2).split('/')) {
    if (!isObj(node)) return undefined;
    node = node[decodeURIComponent(part).replace(/~1/g, '/').replace(/~0/g, '~')];
  }
  return node;
}

/** Inlines `#/…` refs of the same document so a schema change shows up in the message. */
function inlineLocalRefs(node: unknown, doc: unknown, depth = 0): unknown {
  if (depth > 40) return node;
  if (Array.isArray(node)) return node.map((n) => inlineLocalRefs(n, doc, depth + 1));
  if (!isObj(node)) return node;
  if (typeof node.$ref === 'string' && node.$ref.startsWith('#/')) {
    const target = pointer(doc, node.$ref);
    return target === undefined ? node : inlineLocalRefs(target, doc, depth + 1);
  }
  const out: Record<string, unknown> = {};
  for (const key of Object.keys(node).sort()) out[key] = inlineLocalRefs(node[key], doc, depth + 1);
  return out;
}

function findMessage(doc: unknown, name: string): Obj | undefined {
  const messages = isObj(doc) && isObj(doc.components) && isObj(doc.components.messages) ? doc.components.messages : undefined;
  if (!messages) return undefined;
  const byKey = messages[name];
  if (isObj(byKey)) return byKey;
  return Object.values(messages).find((m): m is Obj => isObj(m) && m.name === name);
}

/** Parses each distinct file content once; a broken revision simply has no messages. */
class DocumentCache {
  private readonly docs = new Map<string, unknown>();
  get(content: string): unknown {
    if (!this.docs.has(content)) {
      let doc: unknown;
      try {
        doc = parseYaml(content, { uniqueKeys: false });
      } catch {
        doc = undefined;
      }
      this.docs.set(content, doc);
    }
    return this.docs.get(content);
  }
}

function footprint(cache: DocumentCache, content: string, name: string): Footprint | undefined {
  const doc = cache.get(content);
  const found = findMessage(doc, name);
  if (!found) return undefined;
  const message = inlineLocalRefs(found, doc) as Obj;
  // The version is reported on its own; `rest` holds what else can change (summary, headers, examples).
  const { payload, 'x-version': _version, ...rest } = message;
  const version = typeof message['x-version'] === 'string' ? message['x-version'] : '1.0.0';
  const restText = JSON.stringify(rest);
  return { key: `${JSON.stringify(payload)}\u0000${restText}`, version, payload: (payload ?? {}) as JsonSchema, rest: restText };
}

function describeRow(r: SchemaRow): string {
  return `${r.type}${r.required ? ', required' : ''}`;
}

/** Field-level differences between two payload schemas, in the new schema's order. */
export function payloadChanges(before: JsonSchema, after: JsonSchema): string[] {
  const old = new Map(schemaRows(before).map((r) => [r.path, r]));
  const now = schemaRows(after);
  const changes: string[] = [];
  for (const r of now) {
    const o = old.get(r.path);
    if (!o) {
      changes.push(`added ${r.path} (${describeRow(r)})`);
      continue;
    }
    if (o.type !== r.type) changes.push(`${r.path}: type ${o.type} → ${r.type}`);
    if (o.required !== r.required) changes.push(`${r.path}: ${r.required ? 'now required' : 'now optional'}`);
    if (JSON.stringify(o.enumValues) !== JSON.stringify(r.enumValues)) {
      const before = new Set((o.enumValues ?? []).map(String));
      const after = new Set((r.enumValues ?? []).map(String));
      const added = [...after].filter((v) => !before.has(v));
      const removed = [...before].filter((v) => !after.has(v));
      if (added.length > 0) changes.push(`${r.path}: enum adds ${added.join(', ')}`);
      if (removed.length > 0) changes.push(`${r.path}: enum drops ${removed.join(', ')}`);
      if (o.enumValues === undefined || r.enumValues === undefined) changes.push(`${r.path}: ${r.enumValues ? 'now an enum' : 'no longer an enum'}`);
    }
    if (o.format !== r.format) changes.push(`${r.path}: format ${o.format ?? 'none'} → ${r.format ?? 'none'}`);
    if (o.constraints.join('; ') !== r.constraints.join('; ')) {
      changes.push(`${r.path}: constraints ${o.constraints.join(', ') || 'none'} → ${r.constraints.join(', ') || 'none'}`);
    }
  }
  const nowPaths = new Set(now.map((r) => r.path));
  for (const [path, o] of old) if (!nowPaths.has(path)) changes.push(`removed ${path} (${describeRow(o)})`);
  return changes;
}

function changesBetween(before: Footprint, after: Footprint): string[] {
  const changes: string[] = [];
  if (before.version !== after.version) changes.push(`version ${before.version} → ${after.version}`);
  changes.push(...payloadChanges(before.payload, after.payload));
  if (before.rest !== after.rest) changes.push('description, headers or examples changed');
  return changes;
}

function historyOf(message: MessageModel, revisions: SpecRevisions, cache: DocumentCache): MessageHistory {
  if (revisions.unavailable !== undefined) return { entries: [], note: revisions.unavailable };
  const file = message.location.file;
  const fileRevisions = revisions.files.get(file) ?? [];
  const entries: HistoryEntry[] = [];
  let previous: Footprint | undefined;
  for (const revision of [...fileRevisions].reverse()) {
    const fp = footprint(cache, revision.content, message.name);
    if (fp === undefined) {
      previous = undefined;
      continue;
    }
    if (previous === undefined) {
      entries.push({ kind: 'added', version: fp.version, commit: revision.commit, changes: [] });
    } else if (previous.key !== fp.key) {
      entries.push({ kind: 'changed', version: fp.version, commit: revision.commit, changes: changesBetween(previous, fp) });
    }
    previous = fp;
  }
  const current = revisions.current.get(file);
  if (current !== undefined) {
    const fp = footprint(cache, current, message.name);
    if (fp !== undefined && (previous === undefined || previous.key !== fp.key)) {
      entries.push({ kind: 'uncommitted', version: fp.version, changes: previous ? changesBetween(previous, fp) : [] });
    }
  }
  entries.reverse();
  if (entries.length > 0) return { entries };
  return { entries, note: fileRevisions.length === 0 ? 'The spec file has no commits yet.' : 'No recorded changes.' };
}

/** The history of every message, by message id. */
export function messageHistories(messages: readonly MessageModel[], revisions: SpecRevisions): Map<string, MessageHistory> {
  const cache = new DocumentCache();
  const out = new Map<string, MessageHistory>();
  for (const m of messages) out.set(m.id, historyOf(m, revisions, cache));
  return out;
}
