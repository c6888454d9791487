/**
 * Type tests of `describeEval`: the row type comes from the data, the task's result from the task, and scorers,
 * sampling and metadata read the row data as the dataset's schema returned it.
 */
import { describe, expectTypeOf, test } from 'vitest'
import {
  type Dataset,
  type DatasetRow,
  type DescribeEvalOptions,
  describeEval,
  type Row,
  type RubricRecord,
  type Scorer,
} from 'vitest-rubric'

declare const golden: Dataset<DatasetRow>
declare const pending: Promise<Dataset<DatasetRow>>

describe('describeEval', () => {
  test('infers the row data from a dataset, a promise of one, or an array', () => {
    describeEval('golden', {
      data: golden,
      task: (row, { row: full, signal }) => {
        expectTypeOf(row).toEqualTypeOf<DatasetRow>()
        expectTypeOf(full).toEqualTypeOf<Row<DatasetRow>>()
        expectTypeOf(signal).toEqualTypeOf<AbortSignal>()
        return { answer: row.input, context: [row.input] }
      },
      judgeInputs: (row, reply) => {
        expectTypeOf(reply).toEqualTypeOf<{ answer: string; context: string[] }>()
        return { output: reply.answer, context: reply.context, input: row.input }
      },
      dimensions: ['faithfulness'],
      sample: { n: 10, stratifyBy: 'segment', always: (row) => row.metadata?.flagged === true },
    })
    describeEval('pending', { data: pending, dimensions: ['relevance'] })
    describeEval('inline', {
      data: [{ question: 'Why?', tier: 2 }],
      task: ({ question }) => question.toUpperCase(),
      scorers: [{ name: 'short', score: (output) => (output.length < 80 ? 1 : 0) }],
      metadata: ({ tier }) => ({ tier }),
      testName: ({ question }) => question,
      sample: { stratifyBy: (row) => row.tier },
    })
  })

  test('rejects what is not an option', () => {
    // @ts-expect-error: `slice` is 'all' or 'boundary'
    describeEval('x', { data: golden, dimensions: ['tone'], slice: 'edges' })
    // @ts-expect-error: a scorer returns a score, not text
    describeEval('x', { data: golden, scorers: [{ name: 'bad', score: () => 'high' }] })
  })

  test('scorers and records are public types', () => {
    expectTypeOf<Scorer<DatasetRow>['score']>().returns.toEqualTypeOf<
      number | { score: number; reason?: string } | Promise<number | { score: number; reason?: string }>
    >()
    expectTypeOf<RubricRecord['metadata']>().toEqualTypeOf<
      Record<string, string | number | boolean> | undefined
    >()
    expectTypeOf<DescribeEvalOptions<DatasetRow>['slice']>().toEqualTypeOf<'all' | 'boundary' | undefined>()
  })
})
