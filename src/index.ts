/**
 * vitest-rubric: LLM evaluation as ordinary Vitest tests. This entry holds what an eval file is written with:
 * rubrics and dimensions, `describeEval`, datasets, scorers, the error classes, `calibrate`, and the types of
 * the matchers' options. Project configuration is `vitest-rubric/config`, the report `vitest-rubric/reporter`,
 * and the synchronous dataset functions and schemas `vitest-rubric/dataset`.
 */
import './augment.ts'

export { calibrate } from './calibration/lazy.ts'
export {
  type AgentTurn,
  type RunConversationOptions,
  runConversation,
  type SimulatedUser,
} from './conversation/run-conversation.ts'
export {
  DatasetDuplicateIdError,
  DatasetEmptyError,
  DatasetFormatError,
  DatasetNoFilesError,
  DatasetParseError,
  DatasetRowError,
} from './dataset/errors.ts'
export { loadDataset, sampleLogs } from './dataset/lazy.ts'
export {
  IdenticalPairError,
  JudgeFailureError,
  MissingJudgeKeyError,
  NotAwaitedError,
  RubricArgumentError,
  RubricError,
  UnknownDimensionError,
} from './errors.ts'
export { describeEval } from './eval/describe-eval.ts'
export type {
  CheckOptions,
  ContainOptions,
  EmbeddingSimilarityOptions,
  JudgedText,
  LengthWithinOptions,
  NoPiiMatchOptions,
  PreferenceMatchOptions,
  RefusalMatchOptions,
  RubricMatchers,
  RubricMatchOptions,
  ScoreMatchOptions,
  ScorerMatchOptions,
  SimilarityMethod,
  SimilarityOptions,
  StepsOptions,
  TextSimilarityMethod,
  TextSimilarityOptions,
  ToolSequenceOptions,
  TrajectoryOptions,
} from './matchers/types.ts'
export { conversationDimensions, dimensions } from './rubric/builtin.ts'
export { conversationRubric, defaultRubric, defineRubric } from './rubric/define-rubric.ts'
export { defineScorer } from './scorers/define-scorer.ts'
export {
  type LevenshteinOptions,
  type PiiFinding,
  type PiiKind,
  type PiiOptions,
  type RefusalOptions,
  type RefusalResult,
  type RougeOptions,
  scorers,
} from './scorers/index.ts'
export type { AssistantMessages } from './transcript/assistant-text.ts'
export { canonicalTranscript } from './transcript/canonical.ts'
export { TranscriptError } from './transcript/errors.ts'
export type {
  AssistantMessage,
  JsonValue,
  SystemMessage,
  ToolCall,
  ToolMessage,
  Transcript,
  TranscriptMessage,
  TranscriptUsage,
  UserMessage,
} from './transcript/schema.ts'
export { toTranscript } from './transcript/to-transcript.ts'
export type { ExpectedToolCall, ToolOrder } from './transcript/tool-sequence.ts'
export type {
  // Rubrics and dimensions
  BuiltinDimensionName,
  // Calibration
  CalibrateOptions,
  CalibrationEstimate,
  CalibrationResult,
  CalibrationRow,
  // Conversations
  ConversationDimensionName,
  // Datasets and production logs
  Dataset,
  DatasetRow,
  // Data-driven suites and scorers
  DescribeEvalOptions,
  Dimension,
  DimensionCalibration,
  // Judges: what a judge of your own implements, and the options `calibrate` takes
  DimensionScore,
  DimensionSpec,
  EvalData,
  EvalJudgeInputs,
  EvalSampleOptions,
  EvalSlice,
  EvalTaskContext,
  HumanScale,
  HumanScore,
  Judge,
  JudgeCalibration,
  JudgedComparison,
  JudgedConversation,
  JudgeOption,
  JudgeRequest,
  Judgment,
  JudgmentError,
  LlmJudgeOptions,
  LoadDatasetOptions,
  LogRecord,
  LogSample,
  ModelPrice,
  PairPreference,
  Row,
  RowSource,
  Rubric,
  // What a matcher records in `task.meta.rubric`
  RubricRecord,
  RubricScale,
  RubricSpec,
  SampleLogsOptions,
  Scorer,
  ScorerContext,
  ScorerResult,
  StoreMode,
  TokenUsage,
  TrialAggregate,
  UnsentCause,
  UnstablePolicy,
} from './types.ts'
