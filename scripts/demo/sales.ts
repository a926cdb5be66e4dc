import type { SystemDemo } from './flow.js';

/** sales's demo flows (none yet). */
export const salesDemo: SystemDemo = async () => {};
