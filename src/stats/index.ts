// Internal: pure statistics for calibration and reports. Nothing here is exported from the package entry points.
export { assertPaired } from './assert.ts'
export {
  type BootstrapInterval,
  type BootstrapOptions,
  bootstrapInterval,
  bootstrapIntervals,
  type MeanDiffInterval,
  pairedBootstrapMeanDiff,
} from './bootstrap.ts'
export {
  CLUSTERING_SHARE_THRESHOLD,
  isClustered,
  type MostCommonValue,
  mostCommonValue,
} from './clustering.ts'
export {
  type CorrelationMethod,
  correlation,
  isConstant,
  kendallTauB,
  pearson,
  spearman,
} from './correlation.ts'
export { mean, quantile, quantileSorted } from './descriptive.ts'
export { meanAbsoluteError, rootMeanSquaredError } from './error-metrics.ts'
export { agreementAtFloor, type FloorAgreement } from './floor-agreement.ts'
export { type GroupedCorrelation, groupedCorrelation } from './grouped-correlation.ts'
export {
  type AnnotatorRatings,
  krippendorffAlphaInterval,
  type MeanPairwiseCorrelation,
  meanPairwiseSpearman,
} from './inter-annotator.ts'
export {
  type CohenKappaOptions,
  cohenKappa,
  type IntegerScale,
  type KappaWeights,
  quadraticWeightedKappa,
} from './kappa.ts'
export { type MeanInterval, meanInterval, studentT975 } from './mean-interval.ts'
export { createRng, type Rng, randomIndex, splitMix64, xoshiro128StarStar } from './random.ts'
export { averageRanks } from './ranks.ts'
