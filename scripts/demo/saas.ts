import type { SystemDemo } from './flow.js';

/** saas's demo flows (none yet). */
export const saasDemo: SystemDemo = async () => {};
