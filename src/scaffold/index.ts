/** `eventplane scaffold`: a service's files from its contract (plan: pure; write: the only I/O). */
export { scaffoldPlan, type PlannedFile, type ScaffoldPlan } from './plan.js';
export { describeScaffold, writeScaffold, type ScaffoldResult } from './write.js';
