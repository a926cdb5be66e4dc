/** Process entry of clinic/appointments: configuration from the environment (see src/service-kit/config.ts). */
import { runService } from '../../../src/service-kit/index.js';
import { appointments } from './service.js';

await runService(appointments);
