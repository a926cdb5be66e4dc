import { entryPath, type ServiceEntry } from '../entry.js';

const main = (path: string) => entryPath(import.meta.url, path);

/** sales's services (ports 4401–4499). */
export const SALES: readonly ServiceEntry[] = [
  { id: 'sales/email', main: main('./email/main.ts'), load: async () => (await import('./email/service.js')).email, preferredPort: 4401 },
  { id: 'sales/customer', main: main('./customer/main.ts'), load: async () => (await import('./customer/service.js')).customer, preferredPort: 4402 },
  { id: 'sales/pipeline', main: main('./pipeline/main.ts'), load: async () => (await import('./pipeline/service.js')).pipeline, preferredPort: 4403 },
  { id: 'sales/quote', main: main('./quote/main.ts'), load: async () => (await import('./quote/service.js')).quote, preferredPort: 4404 },
  { id: 'sales/approval', main: main('./approval/main.ts'), load: async () => (await import('./approval/service.js')).approval, preferredPort: 4405 },
  { id: 'sales/inventory', main: main('./inventory/main.ts'), load: async () => (await import('./inventory/service.js')).inventory, preferredPort: 4406 },
  { id: 'sales/po', main: main('./po/main.ts'), load: async () => (await import('./po/service.js')).po, urls: { QUOTE_URL: 'sales/quote' }, preferredPort: 4407 },
  { id: 'sales/analytics', main: main('./analytics/main.ts'), load: async () => (await import('./analytics/service.js')).analytics, preferredPort: 4408 },
  { id: 'sales/notification', main: main('./notification/main.ts'), load: async () => (await import('./notification/service.js')).notification, preferredPort: 4409 },
];
