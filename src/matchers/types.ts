import type { $ZodType } from 'zod/v4/core'
import type { PiiOptions } from '../scorers/pii.ts'
import type { RefusalOptions } from '../scorers/refusal.ts'
import type { AssistantMessages } from '../transcript/assistant-text.ts'
import type { ExpectedToolCall, ToolOrder } from '../transcript/tool-sequence.ts'
import type { Rubric, Scorer, TrialAggregate } from '../types.ts'

/** Text a matcher accepts for input, context and reference: strings, or values that serialise to JSON. */
export type JudgedText = string | readonly string[] | Record<string, unknown>

/** Options of `toSatisfyRubric`: what the output is judged against. */
export interface RubricMatchOptions {
  /** The input (question, prompt) that produced the output. */
  input?: JudgedText
  /** The context the output must be grounded in; an array of passages is joined with blank lines. */
  context?: JudgedText
  /** A reference answer. */
  reference?: JudgedText
  /** Judge only these dimensions of the rubric, in one call. @default every dimension of the rubric */
  dimensions?: readonly string[]
  /** Floors that replace the rubric's own, by dimension name, each in [0, 1]. */
  floors?: Readonly<Record<string, number>>
  /**
   * For a conversation: the user's goal, which `goalCompletion` judges against (read as the input).
   * @default the input, else what the user asks for in the first turn
   */
  goal?: string
  /**
   * For a conversation: the tool calls it should make, in order. The offline heuristic judge scores `toolUse`
   * as the tool-call F1 against them (arguments compared as JSON, asymmetric matchers allowed).
   */
  expectedTools?: readonly ExpectedToolCall[]
  /**
   * For a conversation: score it as a whole, or each assistant turn that has text in the context of the turns
   * before it (one judge call per turn; the assertion reads each dimension's lowest turn, every turn is recorded).
   * @default 'conversation'
   */
  per?: 'conversation' | 'turn'
  /**
   * Judge calls for this output, each stored by trial index; the assertion uses their `aggregate`.
   * @default the judge's `trials`, else 1
   */
  trials?: number
  /**
   * How the trials' scores combine into the score the floor is held to.
   * @default 'mean'
   */
  aggregate?: TrialAggregate
}

/** Options of `toScoreAtLeast`. */
export interface ScoreMatchOptions extends Omit<RubricMatchOptions, 'dimensions' | 'floors'> {
  /**
   * The rubric that defines the dimension.
   * @default the rubric of the built-in dimensions
   */
  rubric?: Rubric
}

/** Options of `toBePreferredOver`: what both outputs are judged against. */
export interface PreferenceMatchOptions {
  /** The input (question, prompt) that produced both outputs. */
  input?: JudgedText
  /** The context both outputs must be grounded in; an array of passages is joined with blank lines. */
  context?: JudgedText
  /** A reference answer. */
  reference?: JudgedText
  /**
   * The rubric that defines the dimensions.
   * @default the rubric of the built-in dimensions
   */
  rubric?: Rubric
  /** Compare on only these dimensions of the rubric, all in each call. @default every dimension of the rubric */
  dimensions?: readonly string[]
  /**
   * Pass on a tie too (the judge preferring neither output, or preferring each in one order), not only on a win.
   * @default false
   */
  allowTie?: boolean
  /**
   * Judge calls per order. A comparison is judged once in each order; a judge with more `trials` is refused, and
   * `trials: 1` compares with it anyway.
   * @default the judge's `trials`, else 1
   */
  trials?: number
}

/**
 * The matchers vitest-rubric adds to `expect`. The judge matchers (`toScoreAtLeast`, `toSatisfyRubric`), embedding
 * similarity and `toPassScorer` are async: always `await` them. The deterministic checks decide at once.
 */
export interface RubricMatchers<R = unknown> {
  /**
   * Asks the judge to score the output on one dimension and passes when the normalised score is at least
   * `floor` (0 to 1). A judge error fails the assertion, with or without `.not`.
   */
  toScoreAtLeast: (dimension: string, floor: number, options?: ScoreMatchOptions) => Promise<R>
  /**
   * Scores every dimension of the rubric in one judge call and passes when each is at or above its floor.
   */
  toSatisfyRubric: (rubric: Rubric, options?: RubricMatchOptions) => Promise<R>
  /**
   * Asks the judge which of two outputs is better on each dimension, shown as A and B in both orders (two
   * calls). A preference that holds in both orders is a win or a loss; one that changes with the order is a tie
   * and counts as position-biased. Passes when the output wins on every dimension (with `allowTie`, a tie
   * passes too). A judge error fails the assertion, with or without `.not`.
   */
  toBePreferredOver: (baseline: unknown, options?: PreferenceMatchOptions) => Promise<R>
  /**
   * Passes when the output (JSON text, or a value) is accepted by the zod 4 schema. Records dimension `schema`:
   * 1 or 0. The failure shows zod's issues prettified, and the path of the first.
   */
  toMatchSchema: (schema: $ZodType, options?: CheckOptions) => R
  /** Passes when the output is text that parses as JSON. Records dimension `json`: 1 or 0. */
  toBeValidJSON: (options?: CheckOptions) => R
  /** Passes when the regular expression matches somewhere in the output. Records dimension `pattern`: 1 or 0. */
  toMatchPattern: (pattern: RegExp, options?: CheckOptions) => R
  /**
   * Passes when the output contains every text (case-sensitive unless `ignoreCase`) and matches every regular
   * expression. Records dimension `contains-all`: the share of the items found.
   */
  toContainAll: (items: ReadonlyArray<string | RegExp>, options?: ContainOptions) => R
  /**
   * Passes when the output contains none of the texts and matches none of the regular expressions. Records
   * dimension `contains-none`: the share of the items absent.
   */
  toContainNone: (items: ReadonlyArray<string | RegExp>, options?: ContainOptions) => R
  /**
   * Passes when the output's length is within the bounds: words are runs of non-whitespace, characters are
   * Unicode code points. Records dimension `length`: 1 or 0.
   */
  toHaveLengthWithin: (bounds: LengthWithinOptions) => R
  /**
   * Passes when the output holds no emails, phone numbers, payment card numbers (Luhn-checked), IBANs, US SSNs,
   * IP addresses or API-key-like secrets, apart from what `allow` lets pass. The failure names each finding,
   * masked, with its line and column. Records dimension `no-pii`: 1 or 0.
   */
  toContainNoPII: (options?: NoPiiMatchOptions) => R
  /**
   * Passes when the output declines the request ("I can't help with that"); `.not.toBeRefusal()` asserts that it
   * was answered. Records dimension `refusal`: 1 for a refusal, 0 for an answer.
   */
  toBeRefusal: (options?: RefusalMatchOptions) => R
  /**
   * Passes when the output's similarity to the reference is at least `floor` (0 to 1). Lexical methods
   * (`rouge-l`, the default, `rouge-1`, `rouge-2`, `levenshtein`, `jaccard`) decide at once; `embedding` is the
   * cosine similarity of embedding vectors (kept in the judgment store) and must be awaited. Records the
   * method's name as the dimension. The failure shows a word diff of the reference against the output.
   */
  toBeSimilarTo: {
    (reference: string, floor: number, options: EmbeddingSimilarityOptions): Promise<R>
    (reference: string, floor: number, options?: TextSimilarityOptions): R
    (reference: string, floor: number, options?: SimilarityOptions): R | Promise<R>
  }
  /**
   * Runs a scorer made with `defineScorer` on the output and passes when its score reaches the floor (the
   * option, else the scorer's). The score is recorded under the scorer's name, like a judge's dimension.
   */
  // biome-ignore lint/suspicious/noExplicitAny: a scorer of any row type applies to a single output
  toPassScorer: (scorer: Scorer<any>, options?: ScorerMatchOptions) => Promise<R>
  /**
   * Passes when the conversation (any shape `toTranscript` reads) has a call to the tool `name`, and, with
   * `args`, one whose arguments equal `args` (asymmetric matchers such as `expect.objectContaining` apply).
   * `.not.toHaveCalledTool('issueRefund')` asserts a tool was never called. Records dimension `tool-called`: 1 or 0.
   */
  toHaveCalledTool: (name: string, args?: unknown, options?: TrajectoryOptions) => R
  /**
   * Passes when the conversation has exactly `times` calls to the tool `name` (with arguments equal to `args`,
   * when given). Records dimension `tool-call-count`: 1 or 0.
   */
  toHaveCalledToolTimes: (name: string, times: number, args?: unknown, options?: TrajectoryOptions) => R
  /**
   * Compares the conversation's tool calls with `expected` (tool names, or `{ name, args }`), in the `order` given.
   * Records dimension `tool-sequence`: for `exact`, the tool-call F1 of precision and recall against `expected`;
   * for `inOrder` and `anyOrder`, which allow other calls, the recall. The failure names the calls missing, extra
   * and out of order, and shows a diff.
   */
  toHaveToolSequence: (expected: readonly ExpectedToolCall[], options?: ToolSequenceOptions) => R
  /**
   * Passes when the conversation takes no more than `steps` assistant turns (or tool calls, with
   * `{ count: 'toolCalls' }`). Records dimension `steps`: 1 within the limit, else the limit over the steps taken.
   */
  toTakeAtMostSteps: (steps: number, options?: StepsOptions) => R
}

/** Options of the trajectory matchers. */
export interface TrajectoryOptions {
  /** The dimension the check's score is recorded under. @default the matcher's own (`tool-called`, ...) */
  dimension?: string
}

/** Options of `toHaveToolSequence`. */
export interface ToolSequenceOptions extends TrajectoryOptions {
  /**
   * `exact`: these calls and no others, in this order; `inOrder`: these calls in this order, others allowed
   * between them; `anyOrder`: each of these calls, in any order, others allowed.
   * @default 'exact'
   */
  order?: ToolOrder
}

/** Options of `toTakeAtMostSteps`. */
export interface StepsOptions extends TrajectoryOptions {
  /** What counts as a step: an assistant message (a model turn), or a tool call. @default 'turns' */
  count?: 'turns' | 'toolCalls'
}

/** What every deterministic check accepts. */
export interface CheckOptions {
  /**
   * The dimension the check's score is recorded under in the report.
   * @default the check's own (`schema`, `json`, `pattern`, `contains-all`, `contains-none`, `length`, `no-pii`,
   * `refusal`)
   */
  dimension?: string
  /**
   * When the output is a conversation: check the text of the last assistant message, or of every assistant
   * message joined by blank lines.
   * @default 'last'
   */
  messages?: AssistantMessages
}

/** Options of `toContainAll` and `toContainNone`. */
export interface ContainOptions extends CheckOptions {
  /**
   * Compare texts case-insensitively (regular expressions keep their own flags).
   * @default false
   */
  ignoreCase?: boolean
}

/** The bounds of `toHaveLengthWithin`: at least one, each a whole number. */
export interface LengthWithinOptions extends CheckOptions {
  /** The fewest words allowed (runs of non-whitespace). */
  minWords?: number
  /** The most words allowed. */
  maxWords?: number
  /** The fewest characters allowed (Unicode code points). */
  minChars?: number
  /** The most characters allowed. */
  maxChars?: number
}

/** Options of `toContainNoPII`: what is looked for and what may pass (see `findPII`). */
export interface NoPiiMatchOptions extends CheckOptions, PiiOptions {}

/** Options of `toBeRefusal`. */
export interface RefusalMatchOptions extends CheckOptions, RefusalOptions {}

/** The similarity methods of `toBeSimilarTo` that compare the texts themselves. */
export type TextSimilarityMethod = 'rouge-l' | 'rouge-1' | 'rouge-2' | 'levenshtein' | 'jaccard'

/** Every similarity method of `toBeSimilarTo`. */
export type SimilarityMethod = TextSimilarityMethod | 'embedding'

/** Options of `toBeSimilarTo` with a lexical method. */
export interface TextSimilarityOptions extends CheckOptions {
  /**
   * How similarity is measured: ROUGE-L, ROUGE-1 or ROUGE-2 F-measure (rouge-score's conventions), normalised
   * Levenshtein similarity of the characters, or Jaccard similarity of the token sets.
   * @default 'rouge-l'
   */
  method?: TextSimilarityMethod
  /**
   * Porter-stem the tokens first (ROUGE and Jaccard), as rouge-score does with `use_stemmer=True`.
   * @default false
   */
  stem?: boolean
  /** Compare case-insensitively (Levenshtein; the token methods always lower-case). @default false */
  ignoreCase?: boolean
  /** Trim and collapse whitespace first (Levenshtein). @default false */
  collapseWhitespace?: boolean
}

/** Options of `toBeSimilarTo` with `method: 'embedding'`. */
export interface EmbeddingSimilarityOptions extends CheckOptions {
  /** Cosine similarity of the two texts' embedding vectors; negative similarities count as 0. */
  method: 'embedding'
  /**
   * The embedding model, for this assertion only.
   * @default the `evals({ embeddings: { model } })` option, else 'text-embedding-3-small'
   */
  model?: string
}

/** Options of `toBeSimilarTo`. */
export type SimilarityOptions = TextSimilarityOptions | EmbeddingSimilarityOptions

/** Options of `toPassScorer`: what the scorer reads besides the output, and the floor. */
export interface ScorerMatchOptions {
  /** The input (question, prompt) that produced the output; the scorer reads it as text. */
  input?: JudgedText
  /** The context the output must be grounded in; an array of passages is joined with blank lines. */
  context?: JudgedText
  /** A reference answer. */
  reference?: JudgedText
  /** An expected value, passed to the scorer as it is. */
  expected?: unknown
  /**
   * The score the output must reach, in [0, 1].
   * @default the scorer's `floor`; one of the two is required
   */
  floor?: number
  /** The dimension the score is recorded under. @default the scorer's name */
  dimension?: string
  /** When the output is a conversation: score the last assistant message's text, or every one's. @default 'last' */
  messages?: AssistantMessages
}
