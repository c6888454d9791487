/**
 * `vitest-rubric/reporter`: the per-dimension reporter. Its default export lets Vitest load it by name,
 * `reporters: ['default', 'vitest-rubric/reporter']`.
 */
import './augment.ts'
import { RubricReporter } from './reporter/rubric-reporter.ts'

export {
  type LocatedRecord,
  locatedRecordSchema,
  type RubricRecord,
  rubricRecordSchema,
} from './record/schema.ts'
export type { DimensionStats, FloorSummary, JudgeSummary } from './reporter/aggregate.ts'
export { compareReports } from './reporter/baseline.ts'
export { evaluateGates, validateGates } from './reporter/gates.ts'
export type { HistoryEntry } from './reporter/history.ts'
export { type HtmlOptions, renderHtml } from './reporter/html.ts'
export { type MarkdownOptions, renderMarkdown } from './reporter/markdown.ts'
export { parseReport, ReportReadError, readReport } from './reporter/read-report.ts'
export {
  type BaselineComparison,
  type DimensionChange,
  type GateResult,
  REPORT_SCHEMA_VERSION,
  type ReportJudgment,
  type RubricAlert,
  type RubricReport,
  reportSchema,
} from './reporter/schema.ts'
export type { RubricReporterOptions } from './types.ts'
export { RubricReporter }
export default RubricReporter
