import { entryPath, type ServiceEntry } from '../entry.js';

const main = (path: string) => entryPath(import.meta.url, path);

export const SHOP: readonly ServiceEntry[] = [
  { id: 'shop/product', main: main('./product/main.ts'), load: async () => (await import('./product/service.js')).product, preferredPort: 4201 },
  { id: 'shop/inventory', main: main('./inventory/main.ts'), load: async () => (await import('./inventory/service.js')).inventory, preferredPort: 4202 },
  {
    id: 'shop/cart',
    main: main('./cart/main.ts'),
    load: async () => (await import('./cart/service.js')).cart,
    urls: { PRODUCT_URL: 'shop/product' },
    preferredPort: 4203,
  },
  { id: 'shop/order', main: main('./order/main.ts'), load: async () => (await import('./order/service.js')).order, preferredPort: 4204 },
  { id: 'shop/payment', main: main('./payment/main.ts'), load: async () => (await import('./payment/service.js')).payment, preferredPort: 4205 },
  {
    id: 'shop/checkout',
    main: main('./checkout/main.ts'),
    load: async () => (await import('./checkout/service.js')).checkout,
    urls: { CART_URL: 'shop/cart', INVENTORY_URL: 'shop/inventory' },
    preferredPort: 4206,
  },
  { id: 'shop/analytics', main: main('./analytics/main.ts'), load: async () => (await import('./analytics/service.js')).analytics, preferredPort: 4207 },
  { id: 'shop/email', main: main('./email/main.ts'), load: async () => (await import('./email/service.js')).email, preferredPort: 4208 },
];
