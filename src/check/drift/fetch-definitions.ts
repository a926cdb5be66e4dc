/** Reads a live broker's definitions through the management API, with errors a person can act on. */
import { ManagementApiError, ManagementClient, type ManagementCredentials } from '../../broker/management-client.js';
import { UserError } from '../../shared/user-error.js';
import type { BrokerDefinitions } from './compare-definitions.js';

export async function fetchBrokerDefinitions(credentials: ManagementCredentials): Promise<BrokerDefinitions> {
  let url: URL;
  try {
    url = new URL(credentials.url);
  } catch {
    throw new UserError(`--broker ${credentials.url} is not a URL (expected e.g. http://127.0.0.1:15672)`);
  }
  if (url.username || url.password) {
    throw new UserError('put broker credentials in --user/--password or EVENTPLANE_BROKER_USER/EVENTPLANE_BROKER_PASSWORD, not in the URL');
  }
  const client = new ManagementClient(credentials);
  try {
    return await client.definitions();
  } catch (error) {
    if (error instanceof ManagementApiError) {
      if (error.status === 401) throw new UserError(`the broker at ${url.origin} refused the credentials of user "${credentials.username}" (401)`);
      if (error.status === 403) throw new UserError(`user "${credentials.username}" may not read definitions at ${url.origin}: it needs the administrator tag (403)`);
      throw new UserError(`the management API at ${url.origin} answered ${error.status} to GET /api/definitions`);
    }
    const cause = (error as { cause?: { code?: string; message?: string } }).cause;
    throw new UserError(`cannot reach the management API at ${url.origin}: ${cause?.code ?? cause?.message ?? (error as Error).message}`);
  }
}
