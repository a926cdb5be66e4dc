/** saas/users' persistence: every statement over its users table (./migrations/). */
import type { Sql, Transaction } from '../../../src/durable/index.js';
import type { ServiceDatabase } from '../../../src/service-kit/index.js';
import type { User } from './domain.js';

interface UserRow {
  tenant_id: string;
  user_id: string;
  email: string;
  full_name: string;
  role: User['role'];
  locale: string | null;
  status: User['status'];
  signup_method: string;
  invited_by: string | null;
  created_at: Date | string;
  updated_at: Date | string;
}

const toUser = (r: UserRow): User => ({
  tenantId: r.tenant_id,
  userId: r.user_id,
  email: r.email,
  fullName: r.full_name,
  role: r.role,
  ...(r.locale !== null ? { locale: r.locale } : {}),
  status: r.status,
  signupMethod: r.signup_method,
  ...(r.invited_by !== null ? { invitedBy: r.invited_by } : {}),
  createdAt: new Date(r.created_at).toISOString(),
  updatedAt: new Date(r.updated_at).toISOString(),
});

export type UsersRepository = ReturnType<typeof usersRepository>;

export function usersRepository(db: ServiceDatabase) {
  const users = db.table('users');
  return {
    /** Inserts the user; false when the tenant has a user with that email (or the id is taken). */
    async insert(tx: Transaction, user: Omit<User, 'createdAt' | 'updatedAt' | 'status'>): Promise<boolean> {
      const { rows } = await tx.query(
        `INSERT INTO ${users} (tenant_id, user_id, email, full_name, role, locale, signup_method, invited_by)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8) ON CONFLICT DO NOTHING RETURNING user_id`,
        [user.tenantId, user.userId, user.email, user.fullName, user.role, user.locale ?? null, user.signupMethod, user.invitedBy ?? null],
      );
      return rows.length === 1;
    },

    /** The user of the tenant (locked for the rest of `tx` when `forUpdate`). */
    async get(sql: Sql, tenantId: string, userId: string, forUpdate = false): Promise<User | undefined> {
      const { rows } = await sql.query<UserRow>(`SELECT * FROM ${users} WHERE tenant_id = $1 AND user_id = $2${forUpdate ? ' FOR UPDATE' : ''}`, [tenantId, userId]);
      return rows[0] ? toUser(rows[0]) : undefined;
    },

    /** A user by id alone (the profile lookup, whose requester may not name the tenant). */
    async byId(sql: Sql, userId: string): Promise<User | undefined> {
      const { rows } = await sql.query<UserRow>(`SELECT * FROM ${users} WHERE user_id = $1`, [userId]);
      return rows[0] ? toUser(rows[0]) : undefined;
    },

    async emailTaken(tx: Transaction, tenantId: string, email: string, except: string): Promise<boolean> {
      const { rows } = await tx.query(`SELECT 1 FROM ${users} WHERE tenant_id = $1 AND lower(email) = lower($2) AND user_id <> $3`, [tenantId, email, except]);
      return rows.length > 0;
    },

    async update(tx: Transaction, user: User): Promise<User> {
      const { rows } = await tx.query<UserRow>(
        `UPDATE ${users} SET email = $3, full_name = $4, role = $5, locale = $6, status = $7, updated_at = now()
         WHERE tenant_id = $1 AND user_id = $2 RETURNING *`,
        [user.tenantId, user.userId, user.email, user.fullName, user.role, user.locale ?? null, user.status],
      );
      return toUser(rows[0]!);
    },

    async delete(tx: Transaction, tenantId: string, userId: string): Promise<boolean> {
      const { rows } = await tx.query(`DELETE FROM ${users} WHERE tenant_id = $1 AND user_id = $2 RETURNING user_id`, [tenantId, userId]);
      return rows.length === 1;
    },

    async list(sql: Sql, tenantId: string, limit: number, offset: number): Promise<User[]> {
      const { rows } = await sql.query<UserRow>(`SELECT * FROM ${users} WHERE tenant_id = $1 ORDER BY created_at, user_id LIMIT $2 OFFSET $3`, [tenantId, limit, offset]);
      return rows.map(toUser);
    },
  };
}
