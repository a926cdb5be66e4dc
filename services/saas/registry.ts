import { entryPath, type ServiceEntry } from '../entry.js';

const main = (path: string) => entryPath(import.meta.url, path);

/** saas's services (ports 4301–4399). */
export const SAAS: readonly ServiceEntry[] = [
  { id: 'saas/reports', main: main('./reports/main.ts'), load: async () => (await import('./reports/service.js')).reports, preferredPort: 4351 },
  { id: 'saas/webhooks', main: main('./webhooks/main.ts'), load: async () => (await import('./webhooks/service.js')).webhooks, preferredPort: 4352 },
];
