/**
 * `vitest-rubric/dataset`: the dataset functions that load zod when imported, which the main entry leaves out so
 * that an eval file importing `vitest-rubric` for its rubrics pays nothing for them: `loadDatasetSync`, the
 * default row schema and the calibration row schema, sampling of rows already loaded, and the field names the log
 * reader knows. `loadDataset`, `sampleLogs` and the dataset errors come from `vitest-rubric`.
 */
export { calibrationRowSchema } from './calibration/schema.ts'
export { loadDatasetSync } from './dataset/load-dataset.ts'
export { sampleDataset, sampleRows } from './dataset/sample.ts'
export { LOG_FIELDS, readLogRecord } from './dataset/sample-logs.ts'
export { datasetRowSchema } from './dataset/schema.ts'
export type { SampleOptions } from './types.ts'
