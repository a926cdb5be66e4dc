/**
 * How every cache file is written and read back. A cache only saves time, so anything doubtful
 * is a miss, never an input: a file is trusted only when it parses, names this cache's format
 * and the versions of everything that produced it (eventplane and the libraries whose output
 * is stored), names the key it was asked for, and its checksum matches its contents. That
 * rejects a corrupt or truncated file, one written by another version, and one a concurrent
 * run left for another key. Files are written to a private temporary name and renamed, so a
 * reader never sees half a file.
 */
import { createHash } from 'node:crypto';
import { mkdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { dirname } from 'node:path';

/** Bump when what is cached, or how it is produced, changes without a version bump. */
const FORMAT = 3;

const require = createRequire(import.meta.url);
const versionOf = (pkg: string) => (require(`${pkg}/package.json`) as { version: string }).version;
/** This package's own package.json, three levels above src/compiler/cache/. */
const ownVersion = (require('../../../package.json') as { version: string }).version;

/** Everything whose version changes what a cache holds. */
export const CACHE_FINGERPRINT = JSON.stringify({
  format: FORMAT,
  eventplane: ownVersion,
  parser: versionOf('@asyncapi/parser'),
  modelina: versionOf('@asyncapi/modelina'),
  ajv: versionOf('ajv'),
  ajvFormats: versionOf('ajv-formats'),
  yaml: versionOf('yaml'),
});

interface Sealed {
  readonly fingerprint: string;
  readonly key: string;
  readonly sum: string;
  readonly value: unknown;
}

function checksum(key: string, valueText: string): string {
  return createHash('sha256').update(`${CACHE_FINGERPRINT}\0${key}\0${valueText}`).digest('hex');
}

export function seal(key: string, value: unknown): string {
  const valueText = JSON.stringify(value);
  return `{"fingerprint":${JSON.stringify(CACHE_FINGERPRINT)},"key":${JSON.stringify(key)},"sum":"${checksum(key, valueText)}","value":${valueText}}`;
}

/** The value sealed in `text` under `key`, or undefined when anything about it is off. */
export function unseal(text: string, key: string): unknown {
  let parsed: Partial<Sealed>;
  try {
    parsed = JSON.parse(text) as Partial<Sealed>;
  } catch {
    return undefined;
  }
  if (typeof parsed !== 'object' || parsed === null) return undefined;
  if (parsed.fingerprint !== CACHE_FINGERPRINT || parsed.key !== key || parsed.value === undefined) return undefined;
  return parsed.sum === checksum(key, JSON.stringify(parsed.value)) ? parsed.value : undefined;
}

export async function readSealed(path: string, key: string): Promise<unknown> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch {
    return undefined; // missing or unreadable
  }
  return unseal(text, key);
}

let sequence = 0;

/** Writes atomically; a cache that cannot be written only costs time, so failures are swallowed. */
export async function writeSealed(path: string, key: string, value: unknown): Promise<void> {
  const temp = `${path}.${process.pid}.${++sequence}.tmp`;
  try {
    await mkdir(dirname(path), { recursive: true });
    await writeFile(temp, seal(key, value));
    await rename(temp, path);
  } catch {
    await rm(temp, { force: true }).catch(() => {});
  }
}
