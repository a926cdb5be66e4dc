import type { SystemDemo } from './flow.js';

/** saas reports and webhooks demo flows (none yet). */
export const saasJobsDemo: SystemDemo = async () => {};
