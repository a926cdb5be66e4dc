import type { ServiceEntry } from '../entry.js';

/** orbita's services (ports 4501–4599). */
export const ORBITA: readonly ServiceEntry[] = [];
