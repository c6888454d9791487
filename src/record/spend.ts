import type { SimulationRecord, TaskRecord } from './schema.ts'

/**
 * Whether a record is spend, not quality: a `task` (what the system under test spent) or a `simulation` (a simulated
 * user's turn). Spend has no score: dimension statistics, worst lists, baselines, annotations and evaluation
 * events leave it out.
 */
export function isSpend<R extends { kind: string }>(
  record: R,
): record is R & (TaskRecord | SimulationRecord) {
  return record.kind === 'task' || record.kind === 'simulation'
}
