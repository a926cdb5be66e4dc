import { entryPath, type ServiceEntry } from '../entry.js';

const main = (path: string) => entryPath(import.meta.url, path);

/** orbita's services (ports 4501–4599): seven bounded contexts, each with its own store, talking only through events. */
export const ORBITA: readonly ServiceEntry[] = [
  { id: 'orbita/productivity', main: main('./productivity/main.ts'), load: async () => (await import('./productivity/service.js')).productivity, preferredPort: 4501 },
  { id: 'orbita/scheduling', main: main('./scheduling/main.ts'), load: async () => (await import('./scheduling/service.js')).scheduling, preferredPort: 4502 },
  { id: 'orbita/calendar', main: main('./calendar/main.ts'), load: async () => (await import('./calendar/service.js')).calendar, preferredPort: 4503 },
  { id: 'orbita/habits', main: main('./habits/main.ts'), load: async () => (await import('./habits/service.js')).habits, preferredPort: 4504 },
  { id: 'orbita/meetings', main: main('./meetings/main.ts'), load: async () => (await import('./meetings/service.js')).meetings, preferredPort: 4505 },
  { id: 'orbita/wellness', main: main('./wellness/main.ts'), load: async () => (await import('./wellness/service.js')).wellness, preferredPort: 4506 },
  { id: 'orbita/insights', main: main('./insights/main.ts'), load: async () => (await import('./insights/service.js')).insights, preferredPort: 4507 },
];
