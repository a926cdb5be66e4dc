/** Process entry of shop/product: configuration from the environment (see src/service-kit/config.ts). */
import { runService } from '../../../src/service-kit/index.js';
import { product } from './service.js';

await runService(product);
