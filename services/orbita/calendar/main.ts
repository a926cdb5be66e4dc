/** Process entry of orbita/calendar: configuration from the environment (see ./config.ts). */
import { runService } from '../../../src/service-kit/index.js';
import { calendar } from './service.js';

await runService(calendar);
