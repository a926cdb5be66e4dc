import { existsSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import type { TopologyDocument } from '../../../src/topology/types.js';

const ROOT = resolve(import.meta.dirname, '../../..');

export interface TopologyUnderTest {
  readonly label: string;
  readonly file: string;
  readonly document: TopologyDocument;
}

/**
 * The hand-made fixture (two systems, every kind of queue) and, once the compiler has
 * written it, the real generated/topology.json: every infra test runs against both.
 */
export function topologiesUnderTest(): TopologyUnderTest[] {
  const files = [
    { label: 'fixture', file: resolve(ROOT, 'test/fixtures/infra/topology.json') },
    { label: 'generated', file: resolve(ROOT, 'generated/topology.json') },
  ];
  return files
    .filter(({ file }) => existsSync(file))
    .map(({ label, file }) => ({ label, file, document: JSON.parse(readFileSync(file, 'utf8')) as TopologyDocument }));
}
