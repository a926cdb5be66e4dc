/** Process entry of sales/email: configuration from the environment (see ./config.ts). */
import { runService } from '../../../src/service-kit/index.js';
import { email } from './service.js';

await runService(email);
