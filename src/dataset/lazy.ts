/**
 * The async dataset functions as the main entry exports them: their modules (and zod, which they validate with)
 * load on the first call, so an eval file that imports `vitest-rubric` for its rubrics pays nothing for them.
 */
import type { loadDataset as LoadDataset } from './load-dataset.ts'
import type { sampleLogs as SampleLogs } from './sample-logs.ts'

export const loadDataset = (async (patterns, options) =>
  (await import('./load-dataset.ts')).loadDataset(patterns, options)) as typeof LoadDataset

export const sampleLogs = (async (patterns, options) =>
  (await import('./sample-logs.ts')).sampleLogs(patterns, options)) as typeof SampleLogs
