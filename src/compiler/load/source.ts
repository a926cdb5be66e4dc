/**
 * A spec file read once: its text, its YAML syntax tree (for positions of every key and
 * value, x- extensions included) and its plain value.
 */
import { isAlias, isMap, isScalar, isSeq, LineCounter, parseDocument, visit, type Document, type Node } from 'yaml';
import type { DiagnosticSink, Position } from '../diagnostics.js';
import type { PathSegment } from './pointer.js';

export interface SourceFile {
  /** Absolute path. */
  readonly absPath: string;
  /** Path relative to the working directory, as diagnostics print it. */
  readonly file: string;
  readonly text: string;
  /** The plain value, or undefined when the YAML could not be read. */
  readonly value: unknown;
  /** True when the YAML had syntax errors (the value may be partial). */
  readonly broken: boolean;
  /** The AsyncAPI version written in the file when the document was converted from it (2.x). */
  readonly convertedFrom?: string;
  /** Position of the value (or its key) at `path`; the nearest existing ancestor when absent. */
  locate(path: readonly PathSegment[], part?: 'key' | 'value'): Position;
}

/** Aliases beyond this count are refused: a guard against "billion laughs" documents. */
const MAX_ALIAS_COUNT = 1000;

export function parseSource(absPath: string, file: string, text: string, sink: DiagnosticSink): SourceFile {
  const lineCounter = new LineCounter();
  const doc = parseDocument(text, { lineCounter, prettyErrors: false, uniqueKeys: true, merge: true });
  const at = (offset: number): Position => {
    const { line, col } = lineCounter.linePos(Math.max(0, Math.min(offset, text.length)));
    return { file, line, column: col };
  };
  for (const error of doc.errors) sink.error(at(error.pos[0]), yamlMessage(error.message), 'yaml-syntax');
  for (const warning of doc.warnings) sink.warning(at(warning.pos[0]), yamlMessage(warning.message), 'yaml-syntax');

  let value: unknown;
  let broken = doc.errors.length > 0;
  if (!broken) {
    // An alias inside the node its anchor names makes the value cyclic, which no contract needs
    // and every walk over the value would follow forever.
    for (const offset of selfContainingAliases(doc)) {
      broken = true;
      sink.error(at(offset), 'this alias refers to a node that contains it: the document would be infinitely deep', 'yaml-syntax');
    }
  }
  if (!broken) {
    try {
      value = doc.toJS({ maxAliasCount: MAX_ALIAS_COUNT });
    } catch (error) {
      broken = true;
      sink.error({ file, line: 1, column: 1 }, `cannot read the document: ${yamlMessage(errorMessage(error))}`, 'yaml-syntax');
    }
  }
  const index = new WeakMap<object, Map<string, { key: Node; value: Node | null }>>();
  return {
    absPath,
    file,
    text,
    value,
    broken,
    locate: (path, part = 'value') => locateIn(doc, index, path, part, at),
  };
}

function locateIn(
  doc: Document,
  index: WeakMap<object, Map<string, { key: Node; value: Node | null }>>,
  path: readonly PathSegment[],
  part: 'key' | 'value',
  at: (offset: number) => Position,
): Position {
  let node: Node | null = doc.contents as Node | null;
  let keyNode: Node | undefined;
  for (const segment of path) {
    if (node && isAlias(node)) node = (node.resolve(doc) as Node | undefined) ?? null;
    if (node && isMap(node)) {
      let entries = index.get(node);
      if (!entries) {
        entries = new Map();
        for (const pair of node.items) {
          const key = pair.key as Node | null;
          const name = key && isScalar(key) ? String(key.value) : undefined;
          if (name !== undefined && key) entries.set(name, { key, value: (pair.value as Node | null) ?? null });
        }
        index.set(node, entries);
      }
      const entry = entries.get(String(segment));
      if (!entry) break;
      keyNode = entry.key;
      node = entry.value ?? null;
      if (!node) break;
    } else if (node && isSeq(node)) {
      const item = node.items[Number(segment)] as Node | undefined;
      if (item === undefined) break;
      keyNode = undefined;
      node = item;
    } else {
      break;
    }
  }
  const target = part === 'key' && keyNode ? keyNode : (node ?? keyNode);
  return at(target?.range?.[0] ?? 0);
}

/** The yaml package's messages end with a position we print ourselves. */
function yamlMessage(message: string): string {
  if (message.includes('Maximum call stack size exceeded')) return 'the document is nested too deeply to read';
  return message.replace(/ at line \d+, column \d+:?[\s\S]*$/, '').trim();
}

export function errorMessage(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/** Offsets of aliases that sit inside the node their anchor names. */
function selfContainingAliases(doc: Document): number[] {
  const offsets: number[] = [];
  visit(doc, {
    Alias(_, alias) {
      const target = alias.resolve(doc);
      if (target?.range && alias.range && alias.range[0] >= target.range[0] && alias.range[1] <= target.range[2]) offsets.push(alias.range[0]);
    },
  });
  return offsets;
}
