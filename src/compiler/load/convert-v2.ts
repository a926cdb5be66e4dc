/**
 * AsyncAPI 2.0–2.6 documents are converted to 3.0 in memory with @asyncapi/converter, and
 * every diagnostic still points at the original file:line:col: the converted document's
 * `locate` maps each converted path back to the node it came from.
 *
 * The map is built from what the converter keeps and what it tells: it moves most objects
 * (messages, payloads, bindings, parameters) without copying them, so object identity leads
 * back to the original path; the objects it rebuilds (channels, operations, messages moved out
 * of operations) are named through its id generator hook, which is given each one's old path.
 */
import { convert } from '@asyncapi/converter';
import { isRecord, type PathSegment } from './pointer.js';
import { errorMessage, type SourceFile } from './source.js';

export const CONVERTIBLE_VERSION = /^2\.[0-6]\.\d+$/;

/** The converted document, and what the converter warned about (it prints to the console otherwise). */
export type ConvertResult = { readonly source: SourceFile; readonly warnings: readonly string[] } | { readonly error: string };

function keyOf(path: readonly PathSegment[]): string {
  return path.map(String).join('\u0000');
}

interface IdRequest {
  readonly kind: 'channel' | 'operation' | 'message';
  readonly key: string | number | undefined;
  readonly path: Array<string | number>;
  readonly object: unknown;
  readonly parentId?: string;
  readonly asyncapi: Record<string, unknown>;
}

export function isConvertible(source: SourceFile): boolean {
  return isRecord(source.value) && typeof source.value.asyncapi === 'string' && CONVERTIBLE_VERSION.test(source.value.asyncapi);
}

export function convertV2(source: SourceFile): ConvertResult {
  const original = structuredClone(source.value) as Record<string, unknown>;
  const identity = new WeakMap<object, PathSegment[]>();
  walk(original, [], (value, path) => identity.set(value, path));
  /** Converted path (JSON of the segments) → original path, for the objects the converter rebuilds. */
  const moved = new Map<string, PathSegment[]>();
  const channelIds = new Map<string, string>();
  const idGenerator = (request: IdRequest): string => {
    const id = defaultId(request);
    const inComponents = request.path[0] === 'components';
    const base = inComponents ? ['components'] : [];
    if (request.kind === 'channel') {
      moved.set(keyOf([...base, 'channels', id]), request.path);
      channelIds.set(keyOf(request.path), id);
    } else if (request.kind === 'operation') {
      moved.set(keyOf([...base, 'operations', id]), [...request.path, String(request.key)]);
    } else {
      // path: [..., 'channels', <old key>, publish|subscribe, 'message', ('oneOf', i)?]
      const channelPath = request.path.slice(0, base.length + 2);
      const channelId = channelIds.get(keyOf(channelPath)) ?? String(channelPath[channelPath.length - 1]);
      moved.set(keyOf([...base, 'channels', channelId, 'messages', id]), request.path);
    }
    return id;
  };
  let converted: Record<string, unknown>;
  const warnings: string[] = [];
  const warn = console.warn;
  console.warn = (...args: unknown[]) => warnings.push(args.map(String).join(' '));
  try {
    converted = convert(original as never, '3.0.0', { v2tov3: { idGenerator: idGenerator as never } }) as unknown as Record<string, unknown>;
  } catch (error) {
    return { error: errorMessage(error) };
  } finally {
    console.warn = warn;
  }
  const origin = new Map<string, PathSegment[]>(moved);
  walk(converted, [], (value, path) => {
    const from = identity.get(value);
    if (from && !origin.has(keyOf(path))) origin.set(keyOf(path), from);
  });
  const locate: SourceFile['locate'] = (path, part) => {
    for (let n = path.length; n > 0; n--) {
      const from = origin.get(keyOf(path.slice(0, n)));
      if (from) return source.locate([...from, ...path.slice(n)], part);
    }
    return source.locate(path, part);
  };
  return {
    source: {
      absPath: source.absPath,
      file: source.file,
      text: JSON.stringify(converted),
      value: converted,
      broken: false,
      locate,
      convertedFrom: String((source.value as Record<string, unknown>).asyncapi),
    },
    warnings,
  };
}

/** The converter's own naming (kept, so `$ref`s into the document still read naturally). */
function defaultId(request: IdRequest): string {
  const object = isRecord(request.object) ? request.object : {};
  switch (request.kind) {
    case 'channel':
      return typeof object['x-channelId'] === 'string' && object.$ref === undefined ? object['x-channelId'] : String(request.key);
    case 'operation':
      return typeof object.operationId === 'string' ? object.operationId : request.parentId ? `${request.parentId}.${String(request.key)}` : 'operation';
    case 'message': {
      const target = typeof object.$ref === 'string' && object.$ref.startsWith('#/') ? valueAt(request.asyncapi, object.$ref.slice(2).split('/')) : undefined;
      if (isRecord(target) && typeof target.messageId === 'string') return target.messageId;
      if (typeof object.messageId === 'string') return object.messageId;
      const kind = (request.parentId ?? '').split('.').pop() ?? '';
      return typeof request.key === 'number' ? `${kind}.message.${request.key}` : `${kind}.message`;
    }
  }
}

function valueAt(root: unknown, segments: readonly string[]): unknown {
  let value = root;
  for (const raw of segments) {
    const segment = raw.replace(/~1/g, '/').replace(/~0/g, '~');
    value = isRecord(value) ? value[segment] : Array.isArray(value) ? value[Number(segment)] : undefined;
  }
  return value;
}

function walk(value: unknown, path: PathSegment[], visit: (value: object, path: PathSegment[]) => void): void {
  if (Array.isArray(value)) {
    visit(value, path);
    value.forEach((item, i) => walk(item, [...path, i], visit));
  } else if (isRecord(value)) {
    visit(value, path);
    for (const [key, child] of Object.entries(value)) walk(child, [...path, key], visit);
  }
}
