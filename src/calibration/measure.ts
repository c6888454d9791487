/**
 * Internal to calibration: the agreement of a judge with people on one dimension, from paired scores. Pure.
 */
import {
  agreementAtFloor,
  type BootstrapOptions,
  CLUSTERING_SHARE_THRESHOLD,
  type CorrelationMethod,
  correlation,
  kendallTauB,
  krippendorffAlphaInterval,
  mean,
  meanAbsoluteError,
  meanPairwiseSpearman,
  mostCommonValue,
  pearson,
  quadraticWeightedKappa,
  rootMeanSquaredError,
  spearman,
} from '../stats/index.ts'
import type { DimensionCalibration, RubricScale } from '../types.ts'
import { bootstrapEstimates, finite } from './resample.ts'

/** One row scored by people and by the judge on one dimension. */
export interface ScoredPair {
  /** The human score in [0, 1] (the annotators' mean). */
  human: number
  /** The judge's score in [0, 1]. */
  judge: number
  /** The judge's score on the rubric's scale, when it gave one. */
  judgeRaw?: number | undefined
  group?: string | undefined
  /** The calibration file the row comes from. */
  file: string
  /** Annotators' scores in [0, 1], by annotator, when the row has several. */
  annotators?: Readonly<Record<string, number | null>> | undefined
}

export interface MeasureOptions {
  floor: number
  scale: RubricScale
  /** Rows the judge answered with an error on this dimension. */
  errors: number
  bootstrap: Required<BootstrapOptions>
}

export type DimensionMeasurement = Omit<DimensionCalibration, 'definitionId' | 'dataset' | 'calibratedAt'>

const METHODS: readonly CorrelationMethod[] = ['pearson', 'spearman', 'kendall']

/** Every statistic of `DimensionCalibration` but the dataset and the date. */
export function measureDimension(
  pairs: readonly ScoredPair[],
  options: MeasureOptions,
): DimensionMeasurement {
  const { floor, scale, bootstrap } = options
  const estimates = bootstrapEstimates(
    pairs,
    (sample) => {
      const human = sample.map((pair) => pair.human)
      const judge = sample.map((pair) => pair.judge)
      const atFloor = agreementAtFloor(human, judge, floor)
      return {
        pearson: pearson(human, judge),
        spearman: spearman(human, judge),
        kendall: kendallTauB(human, judge),
        meanAbsoluteError: meanAbsoluteError(human, judge),
        rootMeanSquaredError: rootMeanSquaredError(human, judge),
        accuracy: atFloor.accuracy,
        f1Fail: atFloor.f1Fail,
        kappa: atFloor.kappa,
        quadraticKappa: quadraticWeightedKappa(
          human.map((score) => toScale(score, scale)),
          sample.map((pair) => judgeOnScale(pair, scale)),
          scale,
        ),
      }
    },
    bootstrap,
  )
  const common = mostCommonValue(pairs.map((pair) => pair.judge))
  return {
    n: pairs.length,
    errors: options.errors,
    floor,
    pearson: estimates.pearson,
    spearman: estimates.spearman,
    kendall: estimates.kendall,
    grouped: measureGroups(pairs, bootstrap),
    meanAbsoluteError: estimates.meanAbsoluteError,
    rootMeanSquaredError: estimates.rootMeanSquaredError,
    atFloor: {
      accuracy: estimates.accuracy,
      f1Fail: estimates.f1Fail,
      kappa: estimates.kappa,
      counts: agreementAtFloor(
        pairs.map((pair) => pair.human),
        pairs.map((pair) => pair.judge),
        floor,
      ).counts,
    },
    quadraticKappa: estimates.quadraticKappa,
    clustering: {
      score: finite(common.value),
      share: finite(common.share),
      clustered: common.share > CLUSTERING_SHARE_THRESHOLD,
    },
    annotators: measureAnnotators(pairs),
    files: measureFiles(pairs),
  }
}

/**
 * A normalised score on an integer scale: the nearest point, halves rounded up. Human scores on a finer or
 * coarser scale than the judge's (0.5 of a 0-1 label, 2.33 of a 1-3 average) land on the point they are closest to.
 */
export function toScale(score: number, scale: RubricScale): number {
  // The epsilon keeps 0.625 * 4 + 1 = 3.4999999999999996 style errors from rounding the wrong way.
  return Math.min(
    scale.max,
    Math.max(scale.min, Math.floor(scale.min + score * (scale.max - scale.min) + 0.5 + 1e-9)),
  )
}

function judgeOnScale(pair: ScoredPair, scale: RubricScale): number {
  const raw = pair.judgeRaw
  if (raw !== undefined && Number.isInteger(raw) && raw >= scale.min && raw <= scale.max) return raw
  return toScale(pair.judge, scale)
}

/**
 * Correlations within groups, averaged over the groups where they are defined; rows without a group take no
 * part. Intervals resample the groups' correlations (rows of one group are not independent of each other).
 */
function measureGroups(
  pairs: readonly ScoredPair[],
  bootstrap: Required<BootstrapOptions>,
): DimensionCalibration['grouped'] {
  const byGroup = new Map<string, ScoredPair[]>()
  for (const pair of pairs) {
    if (pair.group === undefined) continue
    const members = byGroup.get(pair.group)
    if (members) members.push(pair)
    else byGroup.set(pair.group, [pair])
  }
  if (byGroup.size === 0) return null
  const perGroup = (method: CorrelationMethod) =>
    [...byGroup.values()]
      .map((members) =>
        correlation(
          method,
          members.map((pair) => pair.human),
          members.map((pair) => pair.judge),
        ),
      )
      .filter((value) => !Number.isNaN(value))
  const [p, s, k] = METHODS.map(perGroup) as [number[], number[], number[]]
  const interval = (values: number[]) =>
    bootstrapEstimates(values, (sample) => ({ mean: mean(sample) }), bootstrap).mean
  return {
    groups: byGroup.size,
    rows: [...byGroup.values()].reduce((sum, members) => sum + members.length, 0),
    used: s.length,
    skipped: byGroup.size - s.length,
    pearson: interval(p),
    spearman: interval(s),
    kendall: interval(k),
  }
}

/** Agreement between annotators, and of the judge with single annotators, over rows with several ratings. */
function measureAnnotators(pairs: readonly ScoredPair[]): DimensionCalibration['annotators'] {
  const rated = pairs.filter(
    (pair) => pair.annotators && Object.values(pair.annotators).filter((value) => value !== null).length >= 2,
  )
  if (rated.length === 0) return null
  const keys = [...new Set(rated.flatMap((pair) => Object.keys(pair.annotators ?? {})))].sort(compareKeys)
  const units = rated.map((pair) => keys.map((key) => pair.annotators?.[key] ?? null))
  const withJudge: number[] = []
  for (const key of keys) {
    const both = rated.filter((pair) => typeof pair.annotators?.[key] === 'number')
    const r = spearman(
      both.map((pair) => pair.annotators?.[key] as number),
      both.map((pair) => pair.judge),
    )
    if (!Number.isNaN(r)) withJudge.push(r)
  }
  return {
    annotators: keys.length,
    rows: rated.length,
    krippendorffAlpha: finite(krippendorffAlphaInterval(units)),
    pairwiseSpearman: finite(meanPairwiseSpearman(units).value),
    judgeSpearman: withJudge.length === 0 ? null : finite(mean(withJudge)),
  }
}

function measureFiles(pairs: readonly ScoredPair[]): DimensionCalibration['files'] {
  const files = [...new Set(pairs.map((pair) => pair.file))].sort()
  if (files.length < 2) return []
  return files.map((file) => {
    const rows = pairs.filter((pair) => pair.file === file)
    const h = rows.map((pair) => pair.human)
    const j = rows.map((pair) => pair.judge)
    return {
      file,
      n: rows.length,
      pearson: finite(pearson(h, j)),
      spearman: finite(spearman(h, j)),
      kendall: finite(kendallTauB(h, j)),
    }
  })
}

/** Annotator keys in order: positions numerically, names alphabetically. */
function compareKeys(a: string, b: string): number {
  const x = Number(a)
  const y = Number(b)
  if (Number.isInteger(x) && Number.isInteger(y)) return x - y
  return a < b ? -1 : a > b ? 1 : 0
}
