import { relative, resolve } from 'node:path'
import { resolveCwd } from '../dataset/find-files.ts'
import { RubricArgumentError, UnknownDimensionError } from '../errors.ts'
import { createJudge } from '../judge/create-judge.ts'
import { defaultRubric, dimensionDefinitionId } from '../rubric/define-rubric.ts'
import { resolveStoreText } from '../store/judgment-store.ts'
import { resolveStorePolicy } from '../store/mode.ts'
import type {
  CalibrateOptions,
  CalibrationResult,
  DimensionCalibration,
  Judge,
  JudgeCalibration,
  JudgeOption,
  Judgment,
} from '../types.ts'
import { calibrationFilePath, DEFAULT_CALIBRATION_DIR, writeCalibration } from './calibration-file.ts'
import { type JudgedItem, judgeItems } from './judge-set.ts'
import { loadCalibrationSet } from './load-set.ts'
import { measureDimension, type ScoredPair } from './measure.ts'

const DEFAULT_CONCURRENCY = 8

/**
 * Measures how well a judge agrees with people: judges every row of a calibration set (through the judgment
 * store beside its files, so a re-run calls no judge), compares the scores with the human ones per dimension,
 * and writes the result to `.vitest-rubric/calibration/<judge id>.json`, where the reporter finds it.
 *
 * ```ts
 * const { calibration } = await calibrate({ data: 'fixtures/calibration/*.jsonl', dimensions: ['faithfulness'] })
 * expect(calibration.dimensions.faithfulness?.spearman.value).toBeGreaterThan(0.4)
 * ```
 */
export async function calibrate(options: CalibrateOptions): Promise<CalibrationResult> {
  if (options === null || typeof options !== 'object') {
    throw new RubricArgumentError(
      "calibrate() needs options, for example calibrate({ data: 'fixtures/calibration/*.jsonl' }).",
    )
  }
  const cwd = resolveCwd(options.cwd)
  const rubric = options.rubric ?? defaultRubric
  const known = Object.keys(rubric.dimensions)
  for (const dimension of options.dimensions ?? []) {
    if (!rubric.dimensions[dimension]) throw new UnknownDimensionError(dimension, known, rubric.name)
  }
  const concurrency = options.concurrency ?? DEFAULT_CONCURRENCY
  if (!Number.isInteger(concurrency) || concurrency < 1) {
    throw new RubricArgumentError(
      `calibrate({ concurrency }) is ${String(concurrency)}; give how many rows to judge at once, a whole number from 1 (default 8).`,
    )
  }
  const bootstrap = {
    resamples: options.bootstrap?.resamples ?? 2000,
    seed: options.bootstrap?.seed ?? 1,
    level: options.bootstrap?.level ?? 0.95,
  }
  const { judge, option } = resolveJudge(options.judge ?? 'heuristic')
  const store = resolveStorePolicy(options.store, option)
  const storeText = resolveStoreText(options.storeText, 'calibrate()')
  const set = await loadCalibrationSet(options.data, {
    cwd,
    dimensions: options.dimensions,
    known,
    scale: options.scale,
  })
  const judged = await judgeItems(set.items, {
    judge,
    rubric,
    cwd,
    store,
    storeText,
    concurrency,
    onProgress: options.onProgress,
  })

  const calibratedAt = new Date().toISOString()
  const dataset = { name: set.dataset.name, hash: set.dataset.hash, files: set.dataset.files }
  const dimensions: Record<string, DimensionCalibration> = {}
  for (const dimension of set.dimensions) {
    const { pairs, errors } = pairsOf(judged, dimension)
    const measured = measureDimension(pairs, {
      floor: rubric.dimensions[dimension]!.floor,
      scale: rubric.scale,
      errors,
      bootstrap,
    })
    dimensions[dimension] = {
      ...measured,
      dataset,
      calibratedAt,
      definitionId: dimensionDefinitionId(rubric, dimension),
    }
  }
  // A panel's members are measured from the same calls, so one run shows whether the panel beats its best member.
  const panel = judged.find(({ judgment }) => judgment.members)?.judgment.members
  const members = panel?.map((member, index) => {
    const memberDimensions: Record<string, DimensionCalibration> = {}
    for (const dimension of set.dimensions) {
      const { pairs, errors } = pairsOf(judged, dimension, (judgment) => {
        const score = judgment.members?.[index]?.scores[dimension]
        return score === undefined ? undefined : { score }
      })
      memberDimensions[dimension] = {
        ...measureDimension(pairs, {
          floor: rubric.dimensions[dimension]!.floor,
          scale: rubric.scale,
          errors,
          bootstrap,
        }),
        dataset,
        calibratedAt,
        definitionId: dimensionDefinitionId(rubric, dimension),
      }
    }
    return { name: member.name, judgeId: member.judgeId, dimensions: memberDimensions }
  })
  const calibration: JudgeCalibration = {
    schemaVersion: 2,
    judge: { id: judge.id, name: judge.name, model: judge.model ?? null },
    rubric: { id: rubric.id, name: rubric.name, scale: rubric.scale },
    dataset: { ...dataset, rows: set.items.length },
    calibratedAt,
    bootstrap,
    dimensions,
  }
  let file: string | null = null
  if (options.outputDir !== false) {
    const path = calibrationFilePath(
      resolve(cwd, options.outputDir ?? DEFAULT_CALIBRATION_DIR),
      calibration.judge.id,
    )
    await writeCalibration(path, calibration)
    file = relative(cwd, path).split('\\').join('/')
  }
  return { calibration, file, ...tally(judged), ...(members ? { members } : {}) }
}

function resolveJudge(option: JudgeOption | Judge): { judge: Judge; option: JudgeOption } {
  if (typeof option === 'object' && option !== null && typeof (option as Judge).judge === 'function') {
    // A judge object calls whatever it calls: the store cannot tell whether it has a key, so it may judge.
    return { judge: option as Judge, option: 'heuristic' }
  }
  return { judge: createJudge(option as JudgeOption), option: option as JudgeOption }
}

/** The rows scored by both sides on `dimension`, and the rows the judge failed on it. */
function pairsOf(
  judged: readonly JudgedItem[],
  dimension: string,
  scoreOf: (judgment: Judgment) => { score: number; raw?: number | undefined } | undefined = (judgment) =>
    judgment.error ? undefined : judgment.scores[dimension],
): { pairs: ScoredPair[]; errors: number } {
  const pairs: ScoredPair[] = []
  let errors = 0
  for (const { item, judgment } of judged) {
    const label = item.labels[dimension]
    if (!label) continue
    const scored = scoreOf(judgment)
    if (!scored || !Number.isFinite(scored.score)) {
      errors++
      continue
    }
    pairs.push({
      human: label.score,
      judge: scored.score,
      judgeRaw: scored.raw,
      group: item.group,
      file: item.source.file,
      annotators: label.annotators,
    })
  }
  return { pairs, errors }
}

function tally(judged: readonly JudgedItem[]): Pick<CalibrationResult, 'calls' | 'errorSamples'> {
  const calls = { live: 0, stored: 0, errors: 0 }
  const samples = new Map<string, { code: string; message: string; count: number }>()
  for (const { judgment } of judged) {
    if (judgment.error) {
      calls.errors++
      const sample = samples.get(judgment.error.code)
      if (sample) sample.count++
      else
        samples.set(judgment.error.code, {
          code: judgment.error.code,
          message: judgment.error.message,
          count: 1,
        })
    } else if (judgment.source === 'stored') calls.stored++
    else calls.live++
  }
  return { calls, errorSamples: [...samples.values()] }
}
