/**
 * Internal to calibration: the zod schema of a calibration set's rows. The shape is documented on
 * `CalibrationRow` in types.ts.
 */
import { z } from 'zod'
import type { CalibrationRow, HumanScale } from '../types.ts'

/** A scale of human scores: any numbers with `min < max`. */
export const humanScaleSchema = z
  .object({ min: z.number(), max: z.number() })
  .refine((scale) => scale.min < scale.max, {
    error: 'a scale needs min < max, for example { "min": 1, "max": 5 }',
  })

const annotatorScore = z.number().nullable()

/** One dimension's human score: a number, or several annotators' scores (by position, or keyed by annotator). */
const humanScoreSchema = z.union(
  [z.number(), z.array(annotatorScore).min(1), z.record(z.string(), annotatorScore)],
  {
    error:
      "a human score is a number, an array of annotators' scores, or an object of them keyed by annotator",
  },
)

const idSchema = z.union([z.string().min(1), z.number()], {
  error: 'expected a non-empty string or a number',
})

const HUMAN_MISSING =
  'no human scores: a calibration row needs "human", the score people gave per dimension, for example ' +
  '{"faithfulness": 4} (in CSV, a human.faithfulness column)'

/** What a calibration row holds, for the message of a row that fails the schema. */
export const CALIBRATION_ROW_FIX =
  'Fix the rows: a calibration row has `output` (text) and `human` (the score people gave per dimension, for ' +
  'example {"faithfulness": 4}), and optionally `id`, `group`, `input`, `context`, `reference`, `scale` and ' +
  '`metadata`.'

/**
 * The row schema of a calibration set. Besides the JSON shape it reads the flat columns of a CSV file:
 * `human.<dimension>` (a number) for `human`, and `annotator.<dimension>.<annotator>` for annotators' scores.
 */
export const calibrationRowSchema = z.preprocess(
  unflattenColumns,
  z
    .object({
      id: idSchema.optional(),
      group: idSchema.optional(),
      input: z.string().optional(),
      output: z.string().optional(),
      messages: z.array(z.record(z.string(), z.unknown())).optional(),
      context: z.union([z.string(), z.array(z.string())]).optional(),
      reference: z.string().optional(),
      human: z
        .record(z.string(), humanScoreSchema, {
          error: (issue) =>
            issue.input === undefined
              ? HUMAN_MISSING
              : 'human is not an object: give the score per dimension, for example {"faithfulness": 4}',
        })
        .refine((human) => Object.keys(human).length > 0, {
          error: 'no human score: give at least one dimension',
        }),
      scale: z.union([humanScaleSchema, z.record(z.string(), humanScaleSchema)]).optional(),
      metadata: z.record(z.string(), z.unknown()).optional(),
    })
    .refine((value) => value.output !== undefined || value.messages !== undefined, {
      error: 'no output: give the judged `output` text, or `messages`, the judged conversation',
      path: ['output'],
    })
    .transform((value): CalibrationRow => {
      // Only the fields the row has: a row type with optional fields, not fields set to undefined.
      const row: CalibrationRow = { human: value.human }
      for (const key of [
        'id',
        'group',
        'input',
        'output',
        'messages',
        'context',
        'reference',
        'scale',
        'metadata',
      ] as const) {
        if (value[key] !== undefined) Object.assign(row, { [key]: value[key] })
      }
      return row
    }),
)

/** The scale declared in the row for `dimension`, if any. */
export function rowScale(row: CalibrationRow, dimension: string): HumanScale | undefined {
  const scale = row.scale
  if (scale === undefined) return undefined
  if (isScale(scale)) return scale
  return (scale as Record<string, HumanScale>)[dimension]
}

export function isScale(value: unknown): value is HumanScale {
  return (
    typeof value === 'object' &&
    value !== null &&
    typeof (value as HumanScale).min === 'number' &&
    typeof (value as HumanScale).max === 'number'
  )
}

/** CSV cells are text and flat: `human.faithfulness` → `human: { faithfulness }`, numbers from their text. */
function unflattenColumns(value: unknown): unknown {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) return value
  const flat = Object.keys(value).filter((key) => key.startsWith('human.') || key.startsWith('annotator.'))
  if (flat.length === 0) return value
  const row: Record<string, unknown> = { ...value }
  const human: Record<string, unknown> = { ...(row.human as Record<string, unknown> | undefined) }
  for (const key of flat) {
    const cell = row[key]
    delete row[key]
    if (cell === undefined || cell === '') continue
    const score = typeof cell === 'string' ? Number(cell) : cell
    const [kind, dimension, annotator] = key.split('.') as [string, string, string | undefined]
    if (kind === 'human') human[dimension] = score
    else if (annotator !== undefined) {
      const existing = human[dimension]
      const scores = typeof existing === 'object' && existing !== null ? existing : {}
      human[dimension] = { ...scores, [annotator]: score }
    }
  }
  row.human = human
  return row
}
