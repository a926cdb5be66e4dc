/** orbita/productivity's rules: what completing a task reports, and how missed focus blocks put it at risk. */
import type { TaskCompleted } from '../../../generated/types/orbita.js';

export type Risk = 'on_track' | 'slipping' | 'at_risk';

export interface TaskState {
  readonly taskId: string;
  readonly userId: string;
  readonly estimateMinutes: number;
  readonly dueAt?: string;
  readonly status: 'open' | 'done';
  readonly missedBlocks: number;
  readonly missedInARow: number;
  readonly risk: Risk;
}

/** TaskCompleted for `task` finished at `completedAt`: on time when it had no due time or met it. */
export function completion(task: TaskState, completedAt: string, actualMinutes?: number): TaskCompleted {
  return {
    taskId: task.taskId,
    userId: task.userId,
    estimateMinutes: task.estimateMinutes,
    ...(actualMinutes !== undefined ? { actualMinutes } : {}),
    ...(task.dueAt !== undefined ? { dueAt: task.dueAt } : {}),
    completedOnTime: task.dueAt === undefined || Date.parse(completedAt) <= Date.parse(task.dueAt),
  };
}

/** Within this of its due time a missed block leaves a task at risk at once. */
const CLOSE_TO_DUE_MS = 24 * 60 * 60 * 1000;

/**
 * A focus block of the task was missed (`missedInARow` in a row, as scheduling counts them, its
 * block ending at `blockEnd`). One miss is slipping; two in a row, or a miss within a day of the
 * due time, is at risk. A finished task is past caring.
 */
export function afterMissedBlock(task: TaskState, missedInARow: number, blockEnd: string): Pick<TaskState, 'missedBlocks' | 'missedInARow' | 'risk'> {
  if (task.status === 'done') return { missedBlocks: task.missedBlocks, missedInARow: task.missedInARow, risk: task.risk };
  const closeToDue = task.dueAt !== undefined && Date.parse(task.dueAt) - Date.parse(blockEnd) < CLOSE_TO_DUE_MS;
  return {
    missedBlocks: task.missedBlocks + 1,
    missedInARow,
    risk: missedInARow >= 2 || closeToDue ? 'at_risk' : 'slipping',
  };
}
