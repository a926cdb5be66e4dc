/** Process entry of sales/quote: configuration from the environment (see ./config.ts). */
import { runService } from '../../../src/service-kit/index.js';
import { quote } from './service.js';

await runService(quote);
