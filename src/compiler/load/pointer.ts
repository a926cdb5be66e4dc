/** JSON Pointer (RFC 6901) as used in `$ref` fragments. */
export type PathSegment = string | number;

/** `#/components/schemas/a~1b` → ['components', 'schemas', 'a/b']. */
export function parsePointer(fragment: string): PathSegment[] | undefined {
  let pointer = fragment.startsWith('#') ? fragment.slice(1) : fragment;
  try {
    pointer = decodeURIComponent(pointer);
  } catch {
    return undefined;
  }
  if (pointer === '') return [];
  if (!pointer.startsWith('/')) return undefined;
  return pointer
    .slice(1)
    .split('/')
    .map((s) => s.replace(/~1/g, '/').replace(/~0/g, '~'));
}

export function formatPointer(path: readonly PathSegment[]): string {
  return `#${path.map((s) => `/${String(s).replace(/~/g, '~0').replace(/\//g, '~1')}`).join('')}`;
}

export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** A `{ $ref: string }` object (siblings of `$ref` are ignored, as AsyncAPI 3.0 says). */
export function refOf(value: unknown): string | undefined {
  return isRecord(value) && typeof value.$ref === 'string' ? value.$ref : undefined;
}
