import * as pulumi from '@pulumi/pulumi';

/**
 * Secrets reach the engine (and the mocks) wrapped: `{ [specialSigKey]: specialSecretSig,
 * value }`. Validation needs the plain value; the no-leak check needs to know which strings
 * were outside any wrapper.
 */
function isSecret(value: unknown): value is { value: unknown } {
  return (
    typeof value === 'object' &&
    value !== null &&
    (value as Record<string, unknown>)[pulumi.runtime.specialSigKey] === pulumi.runtime.specialSecretSig
  );
}

/** A deep copy with every secret wrapper replaced by its value. */
export function unwrapSecrets<T = unknown>(value: unknown): T {
  if (isSecret(value)) return unwrapSecrets(value.value);
  if (Array.isArray(value)) return value.map((item) => unwrapSecrets(item)) as T;
  if (value && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).map(([key, item]) => [key, unwrapSecrets(item)])) as T;
  }
  return value as T;
}

export interface StringLeaf {
  readonly path: string;
  readonly value: string;
  /** Inside a secret wrapper (at any depth above it). */
  readonly secret: boolean;
}

/** Every string in an input tree with its path and whether a secret wrapper encloses it. */
export function stringLeaves(value: unknown, path = '', secret = false): StringLeaf[] {
  if (isSecret(value)) return stringLeaves(value.value, path, true);
  if (typeof value === 'string') return [{ path, value, secret }];
  if (Array.isArray(value)) return value.flatMap((item, i) => stringLeaves(item, `${path}[${i}]`, secret));
  if (value && typeof value === 'object') {
    return Object.entries(value).flatMap(([key, item]) => stringLeaves(item, path ? `${path}.${key}` : key, secret));
  }
  return [];
}
