/** orbita/productivity's persistence: every statement over its tasks table (./migrations/). */
import type { TaskCreated } from '../../../generated/types/orbita.js';
import type { Sql, Transaction } from '../../../src/durable/index.js';
import type { ServiceDatabase } from '../../../src/service-kit/index.js';
import type { Risk, TaskState } from './domain.js';

interface TaskRow {
  id: string;
  user_id: string;
  title: string;
  project_id: string | null;
  priority: TaskCreated['priority'];
  estimate_minutes: number;
  due_at: Date | string | null;
  labels: string[];
  auto_schedule: boolean;
  status: 'open' | 'done';
  actual_minutes: number | null;
  completed_at: Date | string | null;
  completed_on_time: boolean | null;
  missed_blocks: number;
  missed_in_a_row: number;
  risk: Risk;
  created_at: Date | string;
}

export interface Task extends TaskState {
  readonly title: string;
  readonly projectId?: string;
  readonly priority: TaskCreated['priority'];
  readonly labels: string[];
  readonly autoSchedule: boolean;
  readonly actualMinutes?: number;
  readonly completedAt?: string;
  readonly completedOnTime?: boolean;
  readonly createdAt: string;
}

const iso = (value: Date | string) => new Date(value).toISOString();

const toTask = (r: TaskRow): Task => ({
  taskId: r.id,
  userId: r.user_id,
  title: r.title,
  ...(r.project_id !== null ? { projectId: r.project_id } : {}),
  priority: r.priority,
  estimateMinutes: r.estimate_minutes,
  ...(r.due_at !== null ? { dueAt: iso(r.due_at) } : {}),
  labels: r.labels,
  autoSchedule: r.auto_schedule,
  status: r.status,
  ...(r.actual_minutes !== null ? { actualMinutes: r.actual_minutes } : {}),
  ...(r.completed_at !== null ? { completedAt: iso(r.completed_at) } : {}),
  ...(r.completed_on_time !== null ? { completedOnTime: r.completed_on_time } : {}),
  missedBlocks: r.missed_blocks,
  missedInARow: r.missed_in_a_row,
  risk: r.risk,
  createdAt: iso(r.created_at),
});

export type ProductivityRepository = ReturnType<typeof productivityRepository>;

export function productivityRepository(db: ServiceDatabase) {
  const tasks = db.table('tasks');
  return {
    async insert(tx: Transaction, t: TaskCreated): Promise<void> {
      await tx.query(
        `INSERT INTO ${tasks} (id, user_id, title, project_id, priority, estimate_minutes, due_at, labels, auto_schedule)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8::jsonb, $9)`,
        [t.taskId, t.userId, t.title, t.projectId ?? null, t.priority, t.estimateMinutes, t.dueAt ?? null, JSON.stringify(t.labels), t.autoSchedule],
      );
    },

    async task(sql: Sql, id: string, lock = false): Promise<Task | undefined> {
      const { rows } = await sql.query<TaskRow>(`SELECT * FROM ${tasks} WHERE id = $1${lock ? ' FOR UPDATE' : ''}`, [id]);
      return rows[0] && toTask(rows[0]);
    },

    async ofUser(sql: Sql, userId: string): Promise<Task[]> {
      const { rows } = await sql.query<TaskRow>(`SELECT * FROM ${tasks} WHERE user_id = $1 ORDER BY created_at, id`, [userId]);
      return rows.map(toTask);
    },

    async markDone(tx: Transaction, id: string, done: { completedAt: string; actualMinutes?: number; completedOnTime: boolean }): Promise<void> {
      await tx.query(
        `UPDATE ${tasks} SET status = 'done', completed_at = $2, actual_minutes = $3, completed_on_time = $4, updated_at = now() WHERE id = $1`,
        [id, done.completedAt, done.actualMinutes ?? null, done.completedOnTime],
      );
    },

    async setMissed(tx: Transaction, id: string, m: { missedBlocks: number; missedInARow: number; risk: Risk }): Promise<void> {
      await tx.query(`UPDATE ${tasks} SET missed_blocks = $2, missed_in_a_row = $3, risk = $4, updated_at = now() WHERE id = $1`, [id, m.missedBlocks, m.missedInARow, m.risk]);
    },
  };
}
