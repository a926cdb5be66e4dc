/** sales/approval's rule: who may decide a task. Seniority runs manager < director < vp < cfo; a more senior approver may decide for a junior level. */
import type { ApprovalLevel } from '../../../generated/types/sales.js';

const SENIORITY: readonly ApprovalLevel[] = ['manager', 'director', 'vp', 'cfo'];

export const mayDecide = (approver: ApprovalLevel, required: ApprovalLevel): boolean => SENIORITY.indexOf(approver) >= SENIORITY.indexOf(required);
