/**
 * vitest-rubric: LLM evaluation as ordinary Vitest tests.
 */
import './augment.ts'

export { calibrate } from './calibration/lazy.ts'
export {
  DatasetDuplicateIdError,
  DatasetEmptyError,
  DatasetFormatError,
  DatasetNoFilesError,
  DatasetParseError,
  DatasetRowError,
} from './dataset/errors.ts'
export { loadDataset, sampleLogs } from './dataset/lazy.ts'
export { sampleDataset, sampleRows } from './dataset/sample.ts'
export {
  MissingJudgeKeyError,
  NotAwaitedError,
  RubricArgumentError,
  RubricError,
  UnknownDimensionError,
} from './errors.ts'
export { describeEval } from './eval/describe-eval.ts'
export { createHeuristicJudge, createJudge, createLlmJudge } from './judge/create-judge.ts'
export { HEURISTIC_JUDGE_NAME } from './judge/heuristic/identity.ts'
export { DEFAULT_PRICES, PRICES_AS_OF } from './judge/pricing.ts'
export type {
  CheckOptions,
  ContainOptions,
  EmbeddingSimilarityOptions,
  JudgedText,
  LengthWithinOptions,
  NoPiiMatchOptions,
  RefusalMatchOptions,
  RubricMatchers,
  RubricMatchOptions,
  ScoreMatchOptions,
  ScorerMatchOptions,
  SimilarityMethod,
  SimilarityOptions,
  TextSimilarityMethod,
  TextSimilarityOptions,
} from './matchers/types.ts'
export type { RubricReport } from './reporter/schema.ts'
export { builtinDimensionNames, dimensions } from './rubric/builtin.ts'
export { defaultRubric, defineRubric, normalizeScore } from './rubric/define-rubric.ts'
export { defineScorer, type ScorerSpec } from './scorers/define-scorer.ts'
export {
  cosineSimilarity,
  findPII,
  isRefusal,
  jaccard,
  type LevenshteinOptions,
  levenshtein,
  levenshteinDistance,
  PII_KINDS,
  type PiiFinding,
  type PiiKind,
  type PiiOptions,
  porterStem,
  type RefusalOptions,
  type RefusalResult,
  type RougeOptions,
  type RougeScore,
  rouge1,
  rouge2,
  rougeL,
  rougeLScore,
  rougeNScore,
  scorers,
  type TokenizeOptions,
  tokenize,
} from './scorers/index.ts'
export type * from './types.ts'
