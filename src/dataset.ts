/**
 * `vitest-rubric/dataset`: everything about datasets, including what must load synchronously (and with it zod):
 * `loadDatasetSync`, the default row schema and the calibration row schema. The main entry exports the async
 * functions without loading zod up front.
 */
export { calibrationRowSchema } from './calibration/schema.ts'
export {
  DatasetDuplicateIdError,
  DatasetEmptyError,
  DatasetFormatError,
  DatasetNoFilesError,
  DatasetParseError,
  DatasetRowError,
} from './dataset/errors.ts'
export { loadDataset, loadDatasetSync } from './dataset/load-dataset.ts'
export { sampleDataset, sampleRows } from './dataset/sample.ts'
export { LOG_FIELDS, readLogRecord, sampleLogs } from './dataset/sample-logs.ts'
export { datasetRowSchema } from './dataset/schema.ts'
