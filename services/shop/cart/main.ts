/** Process entry of shop/cart: configuration from the environment (see src/service-kit/config.ts). */
import { runService } from '../../../src/service-kit/index.js';
import { cart } from './service.js';

await runService(cart);
