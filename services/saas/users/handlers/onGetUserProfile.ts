/** saas/users onGetUserProfile: reply with the profile; an unknown user is an error reply (GetUserProfile). */
import type * as client from '../../../../generated/clients/saas/users.js';
import type { ServiceKit } from '../../../../src/service-kit/index.js';
import type { Config } from '../config.js';
import type { UsersRepository } from '../repository.js';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** A read: no transaction, no inbox row (a repeated request is answered again, as its caller expects). */
export function onGetUserProfile(kit: ServiceKit<Config>, repo: UsersRepository): client.UsersHandlers['onGetUserProfile'] {
  return async (delivery) => {
    const { userId } = delivery.payload;
    const tenantId = delivery.envelope.tenantId;
    // saas tenants are uuids: a tenant of another form has no users here.
    const user = tenantId === undefined ? await repo.byId(kit.store, userId) : UUID.test(tenantId) ? await repo.get(kit.store, tenantId, userId) : undefined;
    if (!user) throw new Error(`no user ${userId}${tenantId ? ` in tenant ${tenantId}` : ''}`);
    return {
      userId: user.userId,
      email: user.email,
      fullName: user.fullName,
      role: user.role,
      ...(user.locale ? { locale: user.locale } : {}),
      status: user.status,
    };
  };
}
