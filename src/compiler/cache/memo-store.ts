/**
 * The memo on disk: one sealed file per kind under `<cache>/memo/`, holding the entries the
 * last run used. Loading ignores any file that is not trustworthy (see sealed.ts); saving
 * rewrites only the kinds whose entries changed.
 */
import { join } from 'node:path';
import { MemoryMemo, type MemoKind } from './memo.js';
import { readSealed, writeSealed } from './sealed.js';

const KINDS: readonly MemoKind[] = ['validator', 'examples', 'types'];

const fileOf = (dir: string, kind: MemoKind) => join(dir, 'memo', `${kind}.json`);

function isEntries(value: unknown): value is [string, unknown][] {
  return Array.isArray(value) && value.every((e) => Array.isArray(e) && e.length === 2 && typeof e[0] === 'string' && e[1] !== undefined && e[1] !== null);
}

export async function loadMemo(dir: string, into = new MemoryMemo()): Promise<MemoryMemo> {
  await Promise.all(
    KINDS.map(async (kind) => {
      const value = await readSealed(fileOf(dir, kind), kind);
      if (isEntries(value)) into.preload(kind, value);
    }),
  );
  into.beginRun();
  return into;
}

export async function saveMemo(dir: string, memo: MemoryMemo): Promise<void> {
  await Promise.all(
    KINDS.map(async (kind) => {
      const { entries, dirty } = memo.retained(kind);
      if (dirty) await writeSealed(fileOf(dir, kind), kind, entries);
    }),
  );
}
