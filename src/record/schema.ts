/**
 * What a test records of one assertion on one dimension: the single definition of a record. Matchers and
 * `describeEval` make records of these types, they travel in `task.meta.rubric` to the reporter, the aggregates
 * and gates read them, and `report.json` keeps each one with where it happened. A new field of a record is added
 * here, once.
 *
 * Workers import only the types of this module, so a replayed suite never loads zod.
 */
import { z } from 'zod'
import { transcriptMessageSchema } from '../transcript/schema.ts'

/** Tokens a live judge call used. */
export const tokenUsageSchema = z.object({ prompt: z.number(), completion: z.number(), total: z.number() })

/** Why a judgment's request never reached the judge (see `JudgmentError.unsent`). */
export const unsentCauseSchema = z.enum(['no-key', 'budget', 'store', 'replay-miss'])

/** Why a judgment or a scorer could not give a score. An error is never a score. */
export const recordErrorSchema = z.object({
  /** A stable code, for example `RUBRIC_JUDGE_SCHEMA` or `RUBRIC_JUDGE_HTTP`. */
  code: z.string(),
  message: z.string(),
  /** HTTP status of the failing call, when there was one. */
  status: z.number().optional(),
  /** The provider's request id, when there was one. */
  requestId: z.string().optional(),
  /** The underlying error (the SDK's, or the connection's): its class name, message and code. */
  cause: z.object({ name: z.string(), message: z.string(), code: z.string().optional() }).optional(),
  /** Set when no request reached the judge, and why (see `JudgmentError.unsent`): not a live call. */
  unsent: unsentCauseSchema.optional(),
})

/** Where the verdict of a record is kept, when the judgment store is on. */
export const storeRefSchema = z.object({
  /** The store file, relative to the Vitest root. */
  file: z.string(),
  key: z.string(),
  /** `true` when this run judged it live and wrote it to the store. */
  written: z.boolean(),
  /**
   * `true` on an error record whose re-judging failed (`record` mode) while the store holds a verdict under `key`:
   * that verdict is kept, neither replaced nor obsolete.
   */
  kept: z.literal(true).optional(),
  /** Every entry the record used, when it used several (the two vectors of an embedding similarity). */
  keys: z.array(z.string()).optional(),
})

/** A row's metadata value, as reports group by it. */
export const metadataValueSchema = z.union([z.string(), z.number(), z.boolean()])

/** What every kind of record has. */
const recordBase = z.object({
  /** The matcher that made it, for example `toScoreAtLeast`, or `describeEval`. */
  assertion: z.string(),
  /**
   * Identifies the call the record comes from within its test: one judge call scores several dimensions, and
   * each dimension is a record of its own.
   */
  callId: z.string(),
  dimension: z.string(),
  /** Normalised score in [0, 1], or `null` when the judgment or scorer failed (an error is never a score). */
  score: z.number().nullable(),
  /** The floor the score was held to. */
  floor: z.number(),
  /**
   * `score >= floor`, whatever the assertion asked: the meaning of the `pass` column everywhere. `null` with an
   * error.
   */
  pass: z.boolean().nullable(),
  /**
   * Whether the assertion itself passed, `.not` included: `.not.toBeRefusal()` on an answer records `pass`
   * `false` (score 0 under floor 1) and `assertionPassed` `true`. `null` with an error.
   */
  assertionPassed: z.boolean().nullable(),
  reason: z.string(),
  /** Identifies what scored it: a judge's id, or a hash of a scorer's name, version and settings. */
  judgeId: z.string(),
  /** How that is shown, for example `gpt-4.1-mini`, `heuristic@1 (offline)`, `check` or `scorer`. */
  judgeName: z.string(),
  model: z.string().optional(),
  latencyMs: z.number(),
  /** `live` when scored in this run, `stored` when read from the judgment store. */
  source: z.enum(['live', 'stored']),
  error: recordErrorSchema.optional(),
  /** The retry attempt of the test that made it (0 for the first run); only the last attempt counts. */
  retry: z.number().int().nonnegative(),
  store: storeRefSchema.optional(),
  /**
   * The eval file's line of the assertion, when the call stack shows it; a `describeEval` row's records get the line
   * that declared the row's test when they are collected.
   */
  line: z.number().int().positive().optional(),
  /** The judged output, shortened for reports. */
  output: z.string(),
  /** Its input, shortened for reports. */
  input: z.string().optional(),
  /** The id of the `describeEval` row the record was made for. */
  rowId: z.string().optional(),
  /** The name of the dataset the row comes from (the `describeEval` name for an array of rows). */
  dataset: z.string().optional(),
  /** The content hash of that dataset, so that a report says which version of it was scored. */
  datasetHash: z.string().optional(),
  /** The row's metadata (for example `segment`, `source`), for grouping in reports. */
  metadata: z.record(z.string(), metadataValueSchema).optional(),
})

/** With `{ per: 'turn' }`: the assistant turn a judgment scored, of the turns its assertion scored. */
export const judgedTurnSchema = z.object({
  /** The turn's position among the assistant turns the assertion scored, from 1. */
  index: z.number().int().positive(),
  /** How many turns the assertion scored. */
  of: z.number().int().positive(),
  /** The index of the turn's assistant message in the conversation, from 0. */
  message: z.number().int().nonnegative(),
  /**
   * `true` on the turn whose score the assertion read for this dimension: the lowest (the first of equal ones).
   * Absent when a turn could not be scored.
   */
  lowest: z.literal(true).optional(),
  /** On the lowest turn only: every turn's score on this dimension, in turn order. */
  scores: z.array(z.number()).optional(),
})

/**
 * The conversation a judgment judged, as reports show it: the normalised messages (tool-call ids renumbered
 * `call_1`, ...), cut to stay small however many conversations a run judges. At most
 * `TRANSCRIPT_EXCERPT.head` first and `TRANSCRIPT_EXCERPT.tail` last messages are kept, and each text (content,
 * a tool call's arguments as JSON) is cut at `TRANSCRIPT_EXCERPT.text` characters (see transcript-excerpt.ts).
 */
export const reportedTranscriptSchema = z.object({
  /**
   * The conversation's index of the first message kept: 0, or for a turn's record the message after the turn
   * before it (each turn keeps its own messages, so a conversation scored per turn is kept once, not once a turn).
   */
  start: z.number().int().nonnegative(),
  messages: z.array(transcriptMessageSchema),
  /** Messages left out of a long conversation: how many, after how many kept ones. */
  omitted: z.object({ after: z.number().int().nonnegative(), count: z.number().int().positive() }).optional(),
})

/** A judge's verdict on one dimension of an output (`toScoreAtLeast`, `toSatisfyRubric`, `describeEval`). */
export const judgmentRecordSchema = recordBase.extend({
  kind: z.literal('judgment'),
  rubricId: z.string(),
  /**
   * The id of the dimension's definition (name, description, anchors, scale), for which a calibration is kept;
   * absent in records made before it was recorded.
   */
  definitionId: z.string().optional(),
  /** This dimension's share of the judge call's tokens (the shares of a call add up to it). */
  tokens: tokenUsageSchema.optional(),
  /** This dimension's share of the judge call's cost in US dollars, when the model has a price. */
  costUsd: z.number().optional(),
  /** Calls of the judgment retried after a transient failure (the whole judgment's count, on each record). */
  retries: z.number().int().nonnegative().optional(),
  /**
   * `true` when another assertion's judgment of the same output in this run answered it (one call for both, or
   * the same stored verdict): not a call of its own, and its tokens and cost are counted with the other.
   */
  shared: z.literal(true).optional(),
  /** With several trials: each trial's score on this dimension, in trial order (`score` is their aggregate). */
  trials: z.array(z.number()).optional(),
  /** `true` when the trials fall on both sides of the floor: some reach it and some do not. */
  unstable: z.boolean().optional(),
  /**
   * With `scoring: 'expected'`: the probability of each scale value (keyed by the value), renormalised over the
   * scale; the score is their expectation, normalised.
   */
  distribution: z.record(z.string(), z.number()).optional(),
  /** With a judge panel: each member's score on this dimension (`null` when the member failed, with its error). */
  members: z
    .array(
      z.object({
        name: z.string(),
        judgeId: z.string(),
        score: z.number().nullable(),
        error: z.string().optional(),
      }),
    )
    .optional(),
  /** What the judge said the reader must know, for example that its server returned no log-probabilities. */
  note: z.string().optional(),
  /** With `{ per: 'turn' }`: which assistant turn this judgment scored. */
  turn: judgedTurnSchema.optional(),
  /**
   * The judged conversation, cut for reports; on the first record of a judge call only (the call's other
   * dimensions share its `callId`). Absent for text.
   */
  transcript: reportedTranscriptSchema.optional(),
})

/** A built-in deterministic check (`toMatchSchema`, `toContainNoPII`, `toBeRefusal`, ...). */
export const checkRecordSchema = recordBase.extend({
  kind: z.literal('check'),
  /** The check's name, for example `schema` or `pii`. */
  scorer: z.string(),
})

/** A scorer: `toPassScorer`, or a scorer run by `describeEval`. */
export const scorerRecordSchema = recordBase.extend({
  kind: z.literal('scorer'),
  /** The scorer's name. */
  scorer: z.string(),
})

/** A similarity to a reference (`toBeSimilarTo`), by a text method or by embeddings. */
export const similarityRecordSchema = recordBase.extend({
  kind: z.literal('similarity'),
  /** The method, for example `rougeL` or `embedding`. */
  scorer: z.string(),
})

/** Tokens the system under test spent with one model on one task. */
export const modelTokensSchema = z.object({
  input: z.number().int().nonnegative(),
  output: z.number().int().nonnegative(),
  total: z.number().int().nonnegative(),
})

/**
 * What the system under test spent on one `describeEval` task: its wall time in `latencyMs` and, when what it
 * returned carries token usage, its tokens per model. Its dimension is `latency`; it is a cost, never a quality
 * score, so `score`, `pass` and `assertionPassed` are always `null`, and quality statistics leave it out.
 */
export const taskRecordSchema = recordBase.extend({
  kind: z.literal('task'),
  /** Tokens per model, keyed by the model's name (`unknown` when the result does not name it). */
  tokensByModel: z.record(z.string(), modelTokensSchema).optional(),
})

/**
 * One turn of a simulated user (`runConversation` with `{ persona, goal }`): a call of the run's LLM judge, or the
 * turn read from the judgment store. Like a `task`, it is spend, never a quality score: `score`, `pass` and
 * `assertionPassed` are always `null`, and quality statistics leave it out; its call counts with the judge's calls.
 * Its dimension is `simulated user`, its `output` the user's message.
 */
export const simulationRecordSchema = recordBase.extend({
  kind: z.literal('simulation'),
  /** The user turn, from 1. */
  turn: z.number().int().positive(),
  /** What the user did: went on with a message, reached the goal, or gave up; absent with an error. */
  action: z.enum(['continue', 'done', 'give-up']).optional(),
  /** The call's tokens (of the recorded call, on a stored turn: a stored turn costs nothing in this run). */
  tokens: tokenUsageSchema.optional(),
  /** The call's cost in US dollars, when the model has a price; live turns only. */
  costUsd: z.number().optional(),
  /** Calls of the turn retried after a transient failure. */
  retries: z.number().int().nonnegative().optional(),
})

/** One order of a comparison: which output the judge saw as A, what it preferred, and why. */
export const pairOrderVerdictSchema = z.object({
  /** `candidate-first`: the candidate was shown as A and the baseline as B; `baseline-first`: the other way. */
  order: z.enum(['candidate-first', 'baseline-first']),
  /** The output the judge preferred in this order, by its label (`null` when the call failed). */
  preference: z.enum(['A', 'B', 'tie']).nullable(),
  reason: z.string(),
})

/**
 * A pairwise preference on one dimension (`toBePreferredOver`): the judge compared the candidate (`output`) with
 * the baseline in both orders. `score` is 1 for a win, 0.5 for a tie, 0 for a loss, and `floor` is 1, or 0.5 with
 * `allowTie`; these records are not scores of the dimension and stay out of its statistics.
 */
export const pairwiseRecordSchema = recordBase.extend({
  kind: z.literal('pairwise'),
  rubricId: z.string(),
  definitionId: z.string().optional(),
  /** The candidate's outcome over both orders; absent with an error. */
  outcome: z.enum(['win', 'tie', 'loss']).optional(),
  /** `false` when the preference changed with the order (the outcome is then a tie); absent with an error. */
  consistent: z.boolean().optional(),
  /** The verdict of each order, candidate first. */
  orders: z.array(pairOrderVerdictSchema),
  /** The baseline the candidate was compared with, shortened for reports. */
  baseline: z.string(),
  /** This dimension's share of both calls' tokens. */
  tokens: tokenUsageSchema.optional(),
  /** This dimension's share of both calls' cost in US dollars, when the model has a price. */
  costUsd: z.number().optional(),
  retries: z.number().int().nonnegative().optional(),
  /** `true` when other assertions' comparisons of the same pair answered both orders: no call of its own. */
  shared: z.literal(true).optional(),
})

/** Every kind of record, told apart by `kind`. */
export const rubricRecordSchema = z.discriminatedUnion('kind', [
  judgmentRecordSchema,
  checkRecordSchema,
  scorerRecordSchema,
  similarityRecordSchema,
  taskRecordSchema,
  pairwiseRecordSchema,
  simulationRecordSchema,
])

/** Where a record was made: what `report.json` adds to each record. */
export const recordLocationSchema = z.object({
  /** The eval file, relative to the Vitest root, with `/` separators. */
  file: z.string(),
  /** The test's full name: its suites and its own name, joined with ` > `. */
  test: z.string(),
  /** The Vitest project the test ran in (`''` for the root project). */
  project: z.string(),
  /** The test's final state. */
  state: z.enum(['passed', 'failed', 'skipped', 'pending']),
})

/** A record with where it was made: one entry of `report.json`'s `judgments`. */
export const locatedRecordSchema = z.discriminatedUnion('kind', [
  recordLocationSchema.extend(judgmentRecordSchema.shape),
  recordLocationSchema.extend(checkRecordSchema.shape),
  recordLocationSchema.extend(scorerRecordSchema.shape),
  recordLocationSchema.extend(similarityRecordSchema.shape),
  recordLocationSchema.extend(taskRecordSchema.shape),
  recordLocationSchema.extend(pairwiseRecordSchema.shape),
  recordLocationSchema.extend(simulationRecordSchema.shape),
])

export type TokenUsageRecord = z.output<typeof tokenUsageSchema>
export type RecordError = z.output<typeof recordErrorSchema>
export type StoreRef = z.output<typeof storeRefSchema>
export type JudgmentRecord = z.output<typeof judgmentRecordSchema>
export type CheckRecord = z.output<typeof checkRecordSchema>
export type ScorerRecord = z.output<typeof scorerRecordSchema>
export type SimilarityRecord = z.output<typeof similarityRecordSchema>
export type ModelTokens = z.output<typeof modelTokensSchema>
export type TaskRecord = z.output<typeof taskRecordSchema>
export type PairwiseRecord = z.output<typeof pairwiseRecordSchema>
export type SimulationRecord = z.output<typeof simulationRecordSchema>
export type PairOrderVerdict = z.output<typeof pairOrderVerdictSchema>
export type JudgedTurn = z.output<typeof judgedTurnSchema>
export type ReportedTranscript = z.output<typeof reportedTranscriptSchema>
/** What a matcher records in `task.meta.rubric` for one dimension. It travels to the reporter as JSON. */
export type RubricRecord = z.output<typeof rubricRecordSchema>
export type RecordKind = RubricRecord['kind']
export type RecordLocation = z.output<typeof recordLocationSchema>
/** A record with where it was made. */
export type LocatedRecord = z.output<typeof locatedRecordSchema>
/** The fields a data-driven test adds to every record it made. */
export type RowFields = Pick<RubricRecord, 'rowId' | 'dataset' | 'datasetHash' | 'metadata'>
