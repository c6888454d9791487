/**
 * Internal to calibration: reads a calibration set and puts every human score on [0, 1].
 */
import { DatasetRowError, formatSource } from '../dataset/errors.ts'
import { loadDataset } from '../dataset/load-dataset.ts'
import { RubricArgumentError } from '../errors.ts'
import { canonicalTranscript } from '../transcript/canonical.ts'
import { TranscriptError } from '../transcript/errors.ts'
import { renderTranscript } from '../transcript/render.ts'
import { toTranscript } from '../transcript/to-transcript.ts'
import type {
  CalibrationRow,
  Dataset,
  HumanScale,
  HumanScore,
  JudgedConversation,
  Row,
  RowSource,
} from '../types.ts'
import { CALIBRATION_ROW_FIX, calibrationRowSchema, isScale, rowScale } from './schema.ts'

/** One row's human score on a dimension, normalised. */
export interface HumanLabel {
  /** The mean of the annotators' scores (or the single score), in [0, 1]. */
  score: number
  /** Annotators' scores in [0, 1] by annotator key (position or name), when the row has several. */
  annotators?: Record<string, number | null>
}

/** A row ready to be judged: what the judge reads, and the human labels of the requested dimensions. */
export interface CalibrationItem {
  id: string
  source: RowSource
  group?: string
  input?: string
  output: string
  /** Set when the row judges a conversation: `output` is then its rendered transcript. */
  conversation?: JudgedConversation
  context?: string
  reference?: string
  labels: Record<string, HumanLabel>
}

export interface CalibrationSet {
  dataset: Dataset<CalibrationRow>
  items: CalibrationItem[]
  /** The dimensions measured: those asked for, or every rubric dimension some row scores. */
  dimensions: string[]
}

const UNIT: HumanScale = { min: 0, max: 1 }

/** Where the scale of a human score comes from: it decides what a score outside it asks the user to fix. */
export type ScaleOrigin = 'row' | 'option' | 'default'

/**
 * Loads the set and normalises its human scores on the requested dimensions; a row that scores none of them is
 * left out. A score outside its scale fails with the row's place and the fix.
 */
export async function loadCalibrationSet(
  patterns: string | readonly string[],
  options: {
    cwd: string
    dimensions: readonly string[] | undefined
    known: readonly string[]
    scale: HumanScale | Record<string, HumanScale> | undefined
  },
): Promise<CalibrationSet> {
  const dataset = await loadCalibrationRows(patterns, options.cwd)
  const labelled = new Set(dataset.rows.flatMap((row) => Object.keys(row.data.human)))
  const dimensions = options.dimensions
    ? [...options.dimensions]
    : options.known.filter((name) => labelled.has(name))
  if (dimensions.length === 0) {
    throw new RubricArgumentError(
      `no row of ${dataset.name} scores a dimension of the rubric (${options.known.join(', ')}); the rows score ` +
        `${[...labelled].join(', ')}. Name the human scores after the rubric's dimensions, or pass a rubric that has them.`,
    )
  }
  for (const dimension of dimensions) {
    if (!labelled.has(dimension)) {
      throw new RubricArgumentError(
        `no row of ${dataset.name} has a human score for "${dimension}"; the rows score ${[...labelled].join(', ')}. ` +
          'Pick dimensions the set labels with --dimensions.',
      )
    }
  }
  const items: CalibrationItem[] = []
  for (const row of dataset.rows) {
    const item = toItem(row, dimensions, options.scale)
    if (Object.keys(item.labels).length > 0) items.push(item)
  }
  return { dataset, items, dimensions }
}

/** The rows of the set; a row that fails the schema is told what a calibration row holds, not of `loadDataset()`. */
async function loadCalibrationRows(
  patterns: string | readonly string[],
  cwd: string,
): Promise<Dataset<CalibrationRow>> {
  try {
    return await loadDataset(patterns, { schema: calibrationRowSchema, cwd })
  } catch (error) {
    if (!(error instanceof DatasetRowError)) throw error
    throw new DatasetRowError(error.dataset, error.problems, CALIBRATION_ROW_FIX, { cause: error })
  }
}

function toItem(
  row: Row<CalibrationRow>,
  dimensions: readonly string[],
  fallback: HumanScale | Record<string, HumanScale> | undefined,
): CalibrationItem {
  const { data } = row
  const labels: Record<string, HumanLabel> = {}
  for (const dimension of dimensions) {
    const human = data.human[dimension]
    if (human === undefined) continue
    const declared = rowScale(data, dimension)
    const option = declared ? undefined : optionScale(fallback, dimension)
    const [scale, origin]: [HumanScale, ScaleOrigin] = declared
      ? [declared, 'row']
      : option
        ? [option, 'option']
        : [UNIT, 'default']
    const label = normalizeHuman(human, scale, `${formatSource(row.source)}: human.${dimension}`, origin)
    if (label) labels[dimension] = label
  }
  const context = Array.isArray(data.context) ? data.context.join('\n\n') : data.context
  return {
    id: row.id,
    source: row.source,
    ...(data.group === undefined ? {} : { group: String(data.group) }),
    ...(data.input === undefined ? {} : { input: data.input }),
    ...judgedOutput(row),
    ...(context === undefined ? {} : { context }),
    ...(data.reference === undefined ? {} : { reference: data.reference }),
    labels,
  }
}

function optionScale(
  scale: HumanScale | Record<string, HumanScale> | undefined,
  dimension: string,
): HumanScale | undefined {
  if (scale === undefined) return undefined
  return isScale(scale) ? scale : scale[dimension]
}

/**
 * The label of one dimension; `undefined` when every annotator's rating is missing. A score outside `scale` fails,
 * asking for a declared scale only when none was given (`origin` `default`).
 */
export function normalizeHuman(
  human: HumanScore,
  scale: HumanScale,
  where: string,
  origin: ScaleOrigin = 'default',
): HumanLabel | undefined {
  const normalize = (value: number) => {
    if (!Number.isFinite(value) || value < scale.min || value > scale.max) {
      throw new RubricArgumentError(`${where} is ${value}, ${outsideScale(scale, origin)}`)
    }
    return (value - scale.min) / (scale.max - scale.min)
  }
  if (typeof human === 'number') return { score: normalize(human) }
  const entries: [string, number | null][] = Array.isArray(human)
    ? human.map((value, index) => [String(index), value])
    : Object.entries(human as Record<string, number | null>)
  const annotators: Record<string, number | null> = {}
  const present: number[] = []
  for (const [key, value] of entries) {
    const normalized = value === null ? null : normalize(value)
    annotators[key] = normalized
    if (normalized !== null) present.push(normalized)
  }
  if (present.length === 0) return undefined
  return { score: present.reduce((sum, value) => sum + value, 0) / present.length, annotators }
}

function outsideScale(scale: HumanScale, origin: ScaleOrigin): string {
  const range = `${scale.min} to ${scale.max}`
  if (origin === 'row') {
    return `outside the scale ${range} the row declares in "scale". Correct the score, or the row's scale.`
  }
  if (origin === 'option') {
    return (
      `outside the scale ${range} given by --scale (the \`scale\` option of calibrate()). Correct the score, ` +
      'or give the scale the scores are on (per dimension: --scale coherence=1-3,faithfulness=0-1).'
    )
  }
  return (
    `outside the scale ${range}. Declare the scale the scores are on: a "scale" field in the row ` +
    '({"min": 1, "max": 5}, or one per dimension), or --scale 1-5 (the `scale` option of calibrate()); ' +
    'without one, scores are read on 0 to 1.'
  )
}

/** Parses `--scale`: `1-5` for every dimension, or `coherence=1-3,faithfulness=0-1`. */
export function parseScaleOption(text: string): HumanScale | Record<string, HumanScale> {
  const range = (part: string, what: string): HumanScale => {
    const match = /^\s*(-?\d+(?:\.\d+)?)\s*(?:-|\.\.|:)\s*(-?\d+(?:\.\d+)?)\s*$/.exec(part)
    const min = Number(match?.[1])
    const max = Number(match?.[2])
    if (!match || !(min < max)) {
      throw new RubricArgumentError(
        `${what} is "${part}"; write the scale as min-max, for example 1-5, or per dimension: coherence=1-3,faithfulness=0-1.`,
      )
    }
    return { min, max }
  }
  if (!text.includes('=')) return range(text, '--scale')
  const scales: Record<string, HumanScale> = {}
  for (const part of text.split(',')) {
    const [dimension, value] = part.split('=')
    if (!dimension?.trim() || value === undefined) range('', `--scale ${part}`)
    scales[dimension!.trim()] = range(value!, `--scale ${dimension!.trim()}`)
  }
  return scales
}

/** What the judge reads of a row: its output text, or its conversation rendered as judged conversations are. */
function judgedOutput(row: Row<CalibrationRow>): Pick<CalibrationItem, 'output' | 'conversation'> {
  const { messages, output } = row.data
  if (messages === undefined) return { output: output ?? '' }
  try {
    const transcript = canonicalTranscript(toTranscript(messages))
    return { output: renderTranscript(transcript), conversation: { scope: 'whole', transcript } }
  } catch (error) {
    if (!(error instanceof TranscriptError)) throw error
    throw new TranscriptError(`${formatSource(row.source)}: \`messages\`: ${error.message}`, {
      ...(error.messageIndex === undefined ? {} : { messageIndex: error.messageIndex }),
      cause: error,
    })
  }
}
