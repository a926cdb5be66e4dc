/** Reading plain values out of a document whose shape the parser may not have vouched for. */
import { isRecord } from '../load/pointer.js';

/** A non-blank string, or undefined. */
export function text(value: unknown): string | undefined {
  return typeof value === 'string' && value.trim() !== '' ? value : undefined;
}

/** The entries of a mapping (none for anything else). */
export function entries(value: unknown): [string, unknown][] {
  return isRecord(value) ? Object.entries(value) : [];
}

/** The names of an AsyncAPI `tags` list. */
export function tagNames(tags: unknown): string[] {
  if (!Array.isArray(tags)) return [];
  return tags.map((t) => (isRecord(t) ? text(t.name) : undefined)).filter((t): t is string => t !== undefined);
}
