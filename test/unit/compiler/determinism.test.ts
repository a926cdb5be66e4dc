/** The same contracts give the same bytes: model and every generated file. */
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { emitAll, loadContracts } from '../../../src/compiler/index.js';
import { fixtures } from './support.js';

describe('determinism', () => {
  it('loads the same model and emits the same files every time', { timeout: 180_000 }, async () => {
    const cwd = join(fixtures, 'foreign');
    const first = await loadContracts('.', { cwd });
    const second = await loadContracts('.', { cwd, threads: 2 });
    expect(JSON.stringify(second)).toBe(JSON.stringify(first));
    const emitted = await emitAll(first.model!);
    // A structured clone misses every cache keyed by model objects: the cold path must agree.
    const cold = await emitAll(structuredClone(first.model!));
    const again = await emitAll(second.model!);
    expect([...cold.entries()]).toEqual([...emitted.entries()]);
    expect([...again.entries()]).toEqual([...emitted.entries()]);
    expect([...emitted.keys()]).toEqual([...emitted.keys()].sort());
  });
});
