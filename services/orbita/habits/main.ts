/** Process entry of orbita/habits: configuration from the environment (see ./config.ts). */
import { runService } from '../../../src/service-kit/index.js';
import { habits } from './service.js';

await runService(habits);
