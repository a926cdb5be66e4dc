/**
 * The services of this repository, for whatever starts several of them (`npm start`, the
 * end-to-end tests, the benchmarks). Each system lists its own in services/<system>/registry.ts.
 */
import { CLINIC } from './clinic/registry.js';
import type { ServiceEntry } from './entry.js';
import { ORBITA } from './orbita/registry.js';
import { SAAS } from './saas/registry.js';
import { SALES } from './sales/registry.js';
import { SHOP } from './shop/registry.js';

export type { ServiceEntry } from './entry.js';

export const SERVICES: readonly ServiceEntry[] = [...CLINIC, ...SHOP, ...SAAS, ...SALES, ...ORBITA];

/** The systems, in the order `npm start` runs them. */
export const SYSTEMS = ['clinic', 'shop', 'saas', 'sales', 'orbita'] as const;

export function serviceEntry(id: string): ServiceEntry {
  const entry = SERVICES.find((s) => s.id === id);
  if (!entry) throw new Error(`no service ${id} in services/registry.ts`);
  return entry;
}

/** The services of the given systems (all of them when none is given). */
export function servicesOf(systems: readonly string[]): readonly ServiceEntry[] {
  const unknown = systems.filter((s) => !(SYSTEMS as readonly string[]).includes(s));
  if (unknown.length > 0) throw new Error(`no system ${unknown.join(', ')}: the systems are ${SYSTEMS.join(', ')}`);
  return systems.length === 0 ? SERVICES : SERVICES.filter((s) => systems.includes(s.id.split('/')[0]!));
}
