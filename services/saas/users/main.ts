/** Process entry of saas/users: configuration from the environment (see ./config.ts). */
import { runService } from '../../../src/service-kit/index.js';
import { users } from './service.js';

await runService(users);
