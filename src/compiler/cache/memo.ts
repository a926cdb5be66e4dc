/**
 * Results of the compiler's expensive pure steps (a message's compiled validator module, its
 * examples' verdict, Modelina's rendering of a schema), remembered by the content of their
 * inputs. Steps stay pure: they ask the memo before working and tell it what they produced;
 * whether the memo lives in memory (a watch session) or is loaded from and saved to disk
 * (`memo-store.ts`) is the caller's business.
 *
 * Keys are content hashes (`contentKey`), so a hit is exactly what the step would produce again.
 */
import { createHash } from 'node:crypto';

export type MemoKind = 'validator' | 'examples' | 'types';

export interface Memo {
  get(kind: MemoKind, key: string): unknown;
  set(kind: MemoKind, key: string, value: unknown): void;
}

/** SHA-256 of the JSON of `parts`: the key of a step's inputs. */
export function contentKey(...parts: readonly unknown[]): string {
  const hash = createHash('sha256');
  for (const part of parts) hash.update(`${JSON.stringify(part) ?? 'undefined'}\0`);
  return hash.digest('hex');
}

/**
 * A memo in memory. It remembers which entries the last run used, so a saved memo keeps what
 * the current contracts need and forgets the rest (it cannot grow without bound).
 */
export class MemoryMemo implements Memo {
  private readonly entries = new Map<MemoKind, Map<string, unknown>>();
  private readonly used = new Map<MemoKind, Set<string>>();
  private readonly changed = new Set<MemoKind>();

  get(kind: MemoKind, key: string): unknown {
    const value = this.entries.get(kind)?.get(key);
    if (value !== undefined) this.usedOf(kind).add(key);
    return value;
  }

  set(kind: MemoKind, key: string, value: unknown): void {
    let entries = this.entries.get(kind);
    if (!entries) this.entries.set(kind, (entries = new Map()));
    entries.set(key, value);
    this.usedOf(kind).add(key);
    this.changed.add(kind);
  }

  /** Loads entries (from disk) without marking them used or changed. */
  preload(kind: MemoKind, entries: Iterable<readonly [string, unknown]>): void {
    this.entries.set(kind, new Map(entries));
  }

  /** Starts a run: entries not asked for from now on are dropped by `retained`. */
  beginRun(): void {
    this.used.clear();
    this.changed.clear();
  }

  /** The entries of `kind` the current run used, and whether any was added or any dropped. */
  retained(kind: MemoKind): { entries: [string, unknown][]; dirty: boolean } {
    const all = this.entries.get(kind) ?? new Map<string, unknown>();
    const used = this.used.get(kind) ?? new Set<string>();
    const entries = [...used].sort().map((key): [string, unknown] => [key, all.get(key)]);
    return { entries, dirty: this.changed.has(kind) || entries.length !== all.size };
  }

  /** Forgets entries the current run did not use (a long watch session stays small). */
  prune(): void {
    for (const [kind, all] of this.entries) {
      const used = this.used.get(kind) ?? new Set<string>();
      for (const key of [...all.keys()]) if (!used.has(key)) all.delete(key);
    }
  }

  private usedOf(kind: MemoKind): Set<string> {
    let used = this.used.get(kind);
    if (!used) this.used.set(kind, (used = new Set()));
    return used;
  }
}
