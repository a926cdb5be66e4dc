import type { SystemDemo } from './flow.js';

/** orbita's demo flows (none yet). */
export const orbitaDemo: SystemDemo = async () => {};
