import type { ServiceEntry } from '../entry.js';

/** sales's services (ports 4401–4499). */
export const SALES: readonly ServiceEntry[] = [];
