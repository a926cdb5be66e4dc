import { createHash } from 'node:crypto';

/**
 * A UUID fixed by its inputs (name-based, SHA-1, as RFC 9562 version 5): the same inputs always
 * give the same id, which makes ids derived from a message (a notification per event and
 * recipient, an in-process event per checkout) idempotent by construction.
 */
export function nameBasedUuid(...parts: readonly string[]): string {
  const hash = createHash('sha1').update(parts.join('\u0000')).digest();
  hash[6] = (hash[6]! & 0x0f) | 0x50;
  hash[8] = (hash[8]! & 0x3f) | 0x80;
  const hex = hash.subarray(0, 16).toString('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20, 32)}`;
}
