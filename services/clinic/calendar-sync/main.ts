/** Process entry of clinic/calendar-sync: configuration from the environment (see ./config.ts). */
import { runService } from '../../../src/service-kit/index.js';
import { calendarSync } from './service.js';

await runService(calendarSync);
