import type { ServiceEntry } from '../entry.js';

/** saas's services (ports 4301–4399). */
export const SAAS: readonly ServiceEntry[] = [];
