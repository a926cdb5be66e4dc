/**
 * The services of this repository, for whatever starts several of them (`npm start`, the
 * end-to-end tests): where each one's process entry is, how to load its definition in-process,
 * and which other services' URLs it needs in its environment.
 */
import { fileURLToPath } from 'node:url';
import type { ServiceDefinition } from '../src/service-kit/index.js';

export interface ServiceEntry {
  /** `system/service`, as in the contracts. */
  readonly id: string;
  /** The process entry: `main.ts` when this module runs from source (tsx), the compiled `main.js` under dist/ otherwise. */
  readonly main: string;
  /** The definition, for running it inside another process (the in-memory transport). */
  load(): Promise<ServiceDefinition<any>>;
  /** Environment variable → the service whose base URL it must hold. */
  readonly urls?: Readonly<Record<string, string>>;
  /** Port `npm start` prefers, so the demo's URLs stay the same from run to run. */
  readonly preferredPort: number;
}

// Compiled, this module is dist/services/registry.js and the entries beside it are .js too.
const main = (path: string) => fileURLToPath(new URL(import.meta.url.endsWith('.ts') ? path : path.replace(/\.ts$/, '.js'), import.meta.url));

export const SERVICES: readonly ServiceEntry[] = [
  { id: 'clinic/appointments', main: main('./clinic/appointments/main.ts'), load: async () => (await import('./clinic/appointments/service.js')).appointments, preferredPort: 4101 },
  { id: 'clinic/notifications', main: main('./clinic/notifications/main.ts'), load: async () => (await import('./clinic/notifications/service.js')).notifications, preferredPort: 4102 },
  { id: 'shop/product', main: main('./shop/product/main.ts'), load: async () => (await import('./shop/product/service.js')).product, preferredPort: 4201 },
  { id: 'shop/inventory', main: main('./shop/inventory/main.ts'), load: async () => (await import('./shop/inventory/service.js')).inventory, preferredPort: 4202 },
  {
    id: 'shop/cart',
    main: main('./shop/cart/main.ts'),
    load: async () => (await import('./shop/cart/service.js')).cart,
    urls: { PRODUCT_URL: 'shop/product' },
    preferredPort: 4203,
  },
  { id: 'shop/order', main: main('./shop/order/main.ts'), load: async () => (await import('./shop/order/service.js')).order, preferredPort: 4204 },
  { id: 'shop/payment', main: main('./shop/payment/main.ts'), load: async () => (await import('./shop/payment/service.js')).payment, preferredPort: 4205 },
  {
    id: 'shop/checkout',
    main: main('./shop/checkout/main.ts'),
    load: async () => (await import('./shop/checkout/service.js')).checkout,
    urls: { CART_URL: 'shop/cart', INVENTORY_URL: 'shop/inventory' },
    preferredPort: 4206,
  },
];

export function serviceEntry(id: string): ServiceEntry {
  const entry = SERVICES.find((s) => s.id === id);
  if (!entry) throw new Error(`no service ${id} in services/registry.ts`);
  return entry;
}
