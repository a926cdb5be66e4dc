import { entryPath, type ServiceEntry } from '../entry.js';

const main = (path: string) => entryPath(import.meta.url, path);

/** saas's services (ports 4301–4399; reports and webhooks from 4350). */
export const SAAS: readonly ServiceEntry[] = [
  { id: 'saas/users', main: main('./users/main.ts'), load: async () => (await import('./users/service.js')).users, preferredPort: 4301 },
  { id: 'saas/billing', main: main('./billing/main.ts'), load: async () => (await import('./billing/service.js')).billing, preferredPort: 4302 },
  { id: 'saas/notifications', main: main('./notifications/main.ts'), load: async () => (await import('./notifications/service.js')).notifications, preferredPort: 4303 },
  { id: 'saas/email', main: main('./email/main.ts'), load: async () => (await import('./email/service.js')).email, preferredPort: 4304 },
  { id: 'saas/analytics', main: main('./analytics/main.ts'), load: async () => (await import('./analytics/service.js')).analytics, preferredPort: 4305 },
];
