import { describe, expect as globalExpect, test } from 'vitest'
import { formatSource } from '../dataset/errors.ts'
import { sampleRows } from '../dataset/sample.ts'
import { RubricArgumentError } from '../errors.ts'
import type { RowFields } from '../record/schema.ts'
import { openStore } from '../store/shared-store.ts'
import { storePathFor } from '../store/store-file.ts'
import type { DescribeEvalOptions, EvalData, Row } from '../types.ts'
import { selectBoundaryRows } from './boundary.ts'
import { floorsOf, planSuite, type SuitePlan, toSampleOptions } from './plan.ts'
import { runRow } from './run-row.ts'
import { rowMetadata, rowTestNames, toSuiteRows } from './suite-rows.ts'

/**
 * A data-driven eval suite: one test per row, named by the row's id (or its input), in which the task runs once
 * and its output is judged on the rubric (one judge call, through the judgment store, as `toSatisfyRubric`
 * judges) and scored by the scorers. The test fails when a dimension is below its floor or a judgment fails.
 * Every record carries the row's id, dataset, dataset hash and metadata into the report, so the reporter's
 * `groupBy` can split any dimension by a metadata field.
 *
 * Rows run concurrently unless `concurrent: false`; each row asserts with its own test context's `expect`, so
 * scores never land on another row's test.
 *
 * ```ts
 * import { describeEval, loadDataset } from 'vitest-rubric'
 *
 * describeEval('refunds', {
 *   data: loadDataset('evals/refunds.jsonl'),
 *   task: ({ input }) => supportBot(input),
 *   judgeInputs: (row, reply) => ({ output: reply.answer, context: reply.context }),
 *   rubric: supportRubric,
 *   floors: { faithfulness: 0.8 },
 *   sample: { n: 50, stratifyBy: 'segment' },
 * })
 * ```
 */
export function describeEval<T, O = unknown>(name: string, options: DescribeEvalOptions<T, O>): void {
  const plan = planSuite(name, options)
  const testFile = currentTestFile()
  // Explicit, not inherited: Vitest 4 takes `sequence.concurrent` from the root config, not from the project.
  const suiteOptions = { concurrent: options.concurrent ?? true }
  const data = options.data
  if (isPromiseLike(data)) {
    describe(name, suiteOptions, async () => defineRows(plan, await data, testFile))
  } else {
    describe(name, suiteOptions, () => defineRows(plan, data, testFile))
  }
}

/** Registers a test per sampled row; rows left out of the boundary slice are registered as skipped. */
function defineRows<T, O>(plan: SuitePlan<T, O>, data: EvalData<T>, testFile: string | undefined): void {
  const { rows, dataset, datasetHash } = toSuiteRows(data, plan.name)
  const sample = plan.sample
  const always = sample?.always
  const sampled = sample ? sampleRows(rows, toSampleOptions(sample)) : rows
  if (!plan.task) {
    const missing = sampled.find((row) => {
      const data = row.data as { output?: unknown; messages?: unknown } | null
      return typeof data?.output !== 'string' && !Array.isArray(data?.messages)
    })
    if (missing) {
      throw new RubricArgumentError(
        `describeEval('${plan.name}'): row ${missing.id} (${formatSource(missing.source)}) has no \`output\` ` +
          'text (or `messages` conversation) to judge, and the suite has no `task` to make one. Pass a `task`, or ' +
          'rows with recorded outputs.',
      )
    }
  }
  const selected =
    plan.slice === 'boundary'
      ? selectBoundaryRows(sampled, {
          stored: storedRowScores(testFile, plan.name),
          dimensions: floorsOf(plan),
          margin: plan.margin,
          ...(always ? { always: (row: Row<T>) => always(row.data, row) } : {}),
        })
      : undefined
  const names = rowTestNames(sampled, plan.testName)
  sampled.forEach((row, index) => {
    const name = names[index]!
    if (selected && !selected.has(row.id)) {
      test.skip(name, { meta: { rubricSlice: 'boundary' } }, () => {})
      return
    }
    const metadata = rowMetadata(
      plan.metadata ? plan.metadata(row.data, row) : (row.data as { metadata?: unknown } | null)?.metadata,
    )
    const fields: RowFields = { rowId: row.id, dataset, datasetHash, ...(metadata ? { metadata } : {}) }
    const known = plan.knownIssue?.(row.data, row)
    if (known) test.fails(`${name} (known issue: ${known})`, (context) => runRow(plan, row, fields, context))
    else test(name, (context) => runRow(plan, row, fields, context))
  })
}

/** The last scores of the suite's rows, from the eval file's open judgment store (read when collecting). */
function storedRowScores(testFile: string | undefined, suite: string) {
  if (testFile === undefined) return undefined
  return openStore(storePathFor(testFile)).readSync().rows?.[suite]
}

/** The test file being collected (Vitest keeps it in the global `expect`'s state). */
function currentTestFile(): string | undefined {
  return globalExpect.getState().testPath
}

function isPromiseLike<V>(value: unknown): value is PromiseLike<V> {
  return (
    value !== null &&
    (typeof value === 'object' || typeof value === 'function') &&
    typeof (value as { then?: unknown }).then === 'function'
  )
}
