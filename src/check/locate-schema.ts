/**
 * Maps a JSON pointer inside a message's payload or headers schema to the line that declares
 * it, through the compiler's own source reading (SourceSet follows `$ref`s across files, and
 * every YAML node keeps its position). The model carries schemas already bundled, so the
 * pointer is walked in the documents as written; a segment the documents do not have (a
 * `$defs` entry the bundler made) falls back to the nearest ancestor that exists.
 */
import { resolve } from 'node:path';
import { DiagnosticSink } from '../compiler/diagnostics.js';
import { isRecord, type PathSegment } from '../compiler/load/pointer.js';
import { SourceSet } from '../compiler/load/sources.js';
import type { SourceFile } from '../compiler/load/source.js';
import type { SourceLocation } from '../compiler/model.js';
import type { Finding } from './findings.js';
import { pointerSegments } from './schema/resolve.js';

export interface LocatorSide {
  /** The working directory the model's file paths are relative to. */
  readonly cwd: string;
  /** Maps a file named in a finding to the file on disk for this side (identity for the head). */
  readonly fileOnDisk: (file: string) => string;
  /** Maps a position found on disk back to the file name findings use. */
  readonly fileInReport: (file: string) => string;
}

export class SchemaLocator {
  private readonly sets = new Map<'base' | 'head', SourceSet>();

  constructor(private readonly sides: { readonly base?: LocatorSide; readonly head: LocatorSide }) {}

  /** The finding with its location narrowed to the schema node, when it can be found. */
  async refine(finding: Finding): Promise<Finding> {
    const pointer = finding.pointer;
    if (!pointer || !finding.location) return finding;
    const side = this.sides[pointer.side];
    if (!side) return finding;
    try {
      const location = await this.locate(pointer.side, side, finding.location.file, pointer.part, pointer.message, pointer.path);
      if (!location) return finding;
      const { locatedAtBase: _, ...rest } = finding;
      return { ...rest, location, ...(pointer.side === 'base' ? { locatedAtBase: true as const } : {}) };
    } catch {
      // Locating is a refinement: the message's own location stays if the documents surprise us.
      return finding;
    }
  }

  private async locate(
    which: 'base' | 'head',
    side: LocatorSide,
    file: string,
    part: 'payload' | 'headers' | 'envelope',
    messageId: string | undefined,
    pointer: string,
  ): Promise<SourceLocation | undefined> {
    let sources = this.sets.get(which);
    if (!sources) {
      sources = new SourceSet(new DiagnosticSink(), side.cwd);
      this.sets.set(which, sources);
    }
    const source = await sources.load(resolve(side.cwd, side.fileOnDisk(file)));
    if (!source || source.broken) return undefined;
    await sources.loadReferenced();
    const start = part === 'envelope' ? envelopePath(source) : messagePath(source, messageId?.split('/').at(-1) ?? '', part);
    if (!start) return undefined;
    const rest = pointerSegments(pointer);
    for (let n = rest.length; n >= 0; n--) {
      let located = sources.at(source, [...start, ...rest.slice(0, n)]);
      // Nothing of the pointer matched: the schema itself, where its `$ref` leads, not the `payload:` key.
      if (located && n === 0) located = sources.deref(located);
      if (!located) continue;
      const position = located.source.locate(located.path, 'key');
      return { file: side.fileInReport(position.file), line: position.line, column: position.column };
    }
    return undefined;
  }
}

/** `components/messages/<key>` (or an inline channel message) whose key or `name` is the message name. */
function messagePath(source: SourceFile, name: string, part: 'payload' | 'headers'): PathSegment[] | undefined {
  const doc = source.value;
  if (!isRecord(doc)) return undefined;
  const candidates: PathSegment[][] = [];
  const scan = (container: unknown, prefix: PathSegment[]) => {
    if (!isRecord(container)) return;
    for (const [key, value] of Object.entries(container)) {
      if (key === name || (isRecord(value) && value.name === name)) candidates.push([...prefix, key]);
    }
  };
  scan(isRecord(doc.components) ? doc.components.messages : undefined, ['components', 'messages']);
  if (isRecord(doc.channels)) {
    for (const [key, channel] of Object.entries(doc.channels)) {
      if (isRecord(channel)) scan(channel.messages, ['channels', key, 'messages']);
    }
  }
  const found = candidates[0];
  if (!found) return undefined;
  const message = found.reduce<unknown>((v, k) => (isRecord(v) ? v[String(k)] : undefined), doc);
  const schema = isRecord(message) ? message[part] : undefined;
  // AsyncAPI 3 multi-format schema objects wrap the schema: { schemaFormat, schema }.
  return isRecord(schema) && 'schemaFormat' in schema ? [...found, part, 'schema'] : [...found, part];
}

function envelopePath(source: SourceFile): PathSegment[] | undefined {
  const doc = source.value;
  const traits = isRecord(doc) && isRecord(doc.components) && isRecord(doc.components.messageTraits) ? doc.components.messageTraits : undefined;
  if (!traits) return undefined;
  const name = Object.keys(traits).find((k) => isRecord(traits[k]) && 'headers' in (traits[k] as object));
  return name === undefined ? undefined : ['components', 'messageTraits', name, 'headers'];
}
