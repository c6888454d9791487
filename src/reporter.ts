/**
 * `vitest-rubric/reporter`: the per-dimension reporter. Its default export lets Vitest load it by name,
 * `reporters: ['default', 'vitest-rubric/reporter']`.
 */
import './augment.ts'
import { RubricReporter } from './reporter/rubric-reporter.ts'

export type { DimensionStats, FloorSummary, JudgeSummary } from './reporter/aggregate.ts'
export type { ReportJudgment, RubricReport } from './reporter/report-json.ts'
export { REPORT_SCHEMA_VERSION } from './reporter/report-json.ts'
export type { RubricReporterOptions } from './types.ts'
export { RubricReporter }
export default RubricReporter
