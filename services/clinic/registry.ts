import { entryPath, type ServiceEntry } from '../entry.js';

const main = (path: string) => entryPath(import.meta.url, path);

export const CLINIC: readonly ServiceEntry[] = [
  { id: 'clinic/appointments', main: main('./appointments/main.ts'), load: async () => (await import('./appointments/service.js')).appointments, preferredPort: 4101 },
  { id: 'clinic/notifications', main: main('./notifications/main.ts'), load: async () => (await import('./notifications/service.js')).notifications, preferredPort: 4102 },
  { id: 'clinic/analytics', main: main('./analytics/main.ts'), load: async () => (await import('./analytics/service.js')).analytics, preferredPort: 4103 },
  { id: 'clinic/calendar-sync', main: main('./calendar-sync/main.ts'), load: async () => (await import('./calendar-sync/service.js')).calendarSync, preferredPort: 4104 },
];
