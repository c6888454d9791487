/**
 * Public types of vitest-rubric. Every option documents what it does, its default and the environment
 * variable it falls back to.
 */

/** The names of the dimensions shipped with vitest-rubric (see `dimensions`). */
export type BuiltinDimensionName =
  | 'faithfulness'
  | 'relevance'
  | 'completeness'
  | 'coherence'
  | 'safety'
  | 'tone'
  | 'conciseness'

/** One named quality objective, as a user writes it. */
export interface DimensionSpec {
  /** What the judge scores on this dimension, written as an instruction to a careful reviewer. */
  description: string
  /**
   * What a score looks like at points of the rubric's scale, keyed by the integer score
   * (for the default 1 to 5 scale: 1, 3 and 5 at least).
   */
  anchors?: Record<number, string>
  /**
   * The normalised score in [0, 1] an output must reach on this dimension for `toSatisfyRubric` to pass.
   * @default 0.5
   */
  floor?: number
  /**
   * Which built-in text method the offline heuristic judge uses for this dimension. Built-in dimensions and
   * dimensions named like one need not set it.
   */
  heuristic?: BuiltinDimensionName
}

/** A dimension after `defineRubric`: named, with its floor resolved. */
export interface Dimension extends DimensionSpec {
  name: string
  floor: number
}

/** The integer scale the judge scores on; scores are normalised from it to [0, 1]. */
export interface RubricScale {
  /** @default 1 */
  min: number
  /** @default 5 */
  max: number
}

/** What a user passes to `defineRubric`. */
export interface RubricSpec {
  /** A human name for the rubric, shown in reports. */
  name: string
  /** The dimensions, keyed by name. */
  dimensions: Record<string, DimensionSpec>
  /** @default { min: 1, max: 5 } */
  scale?: Partial<RubricScale>
}

/** A named, versioned set of dimensions. Its `id` is a hash of its content: an edited rubric is a new rubric. */
export interface Rubric {
  readonly id: string
  readonly name: string
  readonly scale: RubricScale
  readonly dimensions: Readonly<Record<string, Dimension>>
}

/** What a judge is asked to score. */
export interface JudgeRequest {
  /** The output under judgment, as text (JSON values are serialised before they reach the judge). */
  output: string
  /** The input (question, prompt) that produced the output. */
  input?: string
  /** The context the output must be grounded in (retrieved documents, policy). */
  context?: string
  /** A reference answer. */
  reference?: string
  rubric: Rubric
  /** The names of the rubric's dimensions to score, all in one call. */
  dimensions: string[]
  /** Aborts a live call, for example when the test times out. */
  signal?: AbortSignal
}

/** Tokens a live judge call used, from the response's `usage`. */
export interface TokenUsage {
  prompt: number
  completion: number
  total: number
}

/** One dimension's verdict. */
export interface DimensionScore {
  /** The score normalised to [0, 1]. */
  score: number
  /** The score on the rubric's scale, when the judge scores on one. */
  raw?: number
  /** Why the judge gave this score. */
  reason: string
}

/** Why a judgment could not be made. An error is never a score. */
export interface JudgmentError {
  /** A stable code, for example `RUBRIC_JUDGE_SCHEMA` or `RUBRIC_JUDGE_HTTP`. */
  code: string
  message: string
  /** HTTP status of the failing call, when there was one. */
  status?: number
  /** The provider's request id, when there was one. */
  requestId?: string
}

/** One judge's verdict on one output. */
export interface Judgment {
  /** Hash of the judge's model, prompt template, temperature and the rubric. */
  judgeId: string
  /** How the judge is shown, for example `gpt-4.1-mini` or `heuristic@1 (offline)`. */
  judgeName: string
  model?: string
  rubricId: string
  /** Scores per requested dimension; empty when `error` is set. */
  scores: Record<string, DimensionScore>
  error?: JudgmentError
  tokens?: TokenUsage
  latencyMs: number
  /** `live` when a judge was called for it in this run, `stored` when read from the judgment store. */
  source: 'live' | 'stored'
}

/** A versioned evaluator. */
export interface Judge {
  /** Hash of everything that changes its verdicts except the rubric (model, prompt template, temperature). */
  readonly id: string
  /** How the judge is shown wherever scores are. */
  readonly name: string
  readonly model?: string
  judge(request: JudgeRequest): Promise<Judgment>
}

/** Options of a judge that calls an OpenAI-compatible chat completions API. */
export interface LlmJudgeOptions {
  /** The model that judges, for example `gpt-4.1-mini`. */
  model: string
  /**
   * Base URL of any OpenAI-compatible server (OpenAI, Azure, Ollama, vLLM, LM Studio, OpenRouter).
   * @default process.env.OPENAI_BASE_URL, else https://api.openai.com/v1
   */
  baseURL?: string
  /**
   * The API key. Prefer the environment variable: a key written in a config file ends up in git.
   * @default process.env.OPENAI_API_KEY
   */
  apiKey?: string
  /** @default 0 */
  temperature?: number
  /**
   * Retries of a failed call (429, 5xx, connection errors), with backoff that honours `Retry-After`.
   * @default 2
   */
  maxRetries?: number
  /**
   * Timeout of one call in milliseconds.
   * @default 60_000
   */
  timeout?: number
  /**
   * How the verdict is requested: `json_schema` (structured output), `json_object`, or `text` (parsed from the
   * reply). `auto` tries them in this order, stepping down when the server rejects one.
   * @default 'auto'
   */
  responseFormat?: 'auto' | 'json_schema' | 'json_object' | 'text'
}

/** How the judgment store is used; see `EvalsOptions.store`. */
export type StoreMode = 'auto' | 'replay' | 'record' | 'off'

/** `'heuristic'` for the embedded offline judge, or the options of an LLM judge. */
export type JudgeOption = 'heuristic' | LlmJudgeOptions

/** Options of the `evals()` project helper. */
export interface EvalsOptions {
  /**
   * The project's name, used with `vitest --project <name>`.
   * @default 'evals'
   */
  name?: string
  /**
   * Globs of eval files. Only these run in the project.
   * @default ['**\/*.eval.ts']
   */
  include?: string[]
  /** Globs left out. @default ['**\/node_modules/**'] */
  exclude?: string[]
  /**
   * The judge every matcher uses unless it names one.
   * @default 'heuristic'
   */
  judge?: JudgeOption
  /**
   * Timeout of one eval test in milliseconds: judges are slow.
   * @default 120_000
   */
  testTimeout?: number
  /**
   * How judgments are kept in `__judgments__/<eval file>.json` beside each eval file:
   * - `auto`: read stored judgments, judge the misses, write them;
   * - `replay`: read only; an output with no stored judgment fails its assertion;
   * - `record`: judge everything again and overwrite;
   * - `off`: neither read nor write.
   * @default process.env.VITEST_RUBRIC_STORE, else `replay` in CI (`CI` set) when the judge has no API key,
   * else `auto`
   */
  store?: StoreMode
  /** Options of the reporter that aggregates scores per dimension. */
  reporter?: RubricReporterOptions | false
  /**
   * Run the tests of an eval file concurrently (evals wait on a judge, not the CPU). Concurrent tests must use
   * the test context's `expect` (`test('...', async ({ expect }) => ...)`) so that scores land on their own test.
   * @default true
   */
  concurrent?: boolean
  /**
   * How many concurrent tests of one file run at once (Vitest's `maxConcurrency`).
   * @default 16
   */
  maxConcurrency?: number
  /** More setup files, run after vitest-rubric's own. */
  setupFiles?: string[]
}

/** Options of the per-dimension reporter. */
export interface RubricReporterOptions {
  /**
   * Where `report.json` is written, relative to the Vitest root. `false` writes none.
   * @default '.vitest-rubric/report.json'
   */
  outputFile?: string | false
  /**
   * Print a table per file as well as the run table.
   * @default true
   */
  perFile?: boolean
}

/** What a matcher records in `task.meta.rubric` for one dimension. It travels to the reporter as JSON. */
export interface RubricRecord {
  /** The matcher that made it, for example `toScoreAtLeast`. */
  assertion: string
  /**
   * Identifies the judgment the record comes from: one judge call scores several dimensions, and each
   * dimension is a record of its own.
   */
  callId: string
  dimension: string
  /** Normalised score in [0, 1], or `null` when the judgment is an error. */
  score: number | null
  /** The floor the score was held to. */
  floor: number
  /** `score >= floor`, or `null` when the judgment is an error. */
  pass: boolean | null
  reason: string
  judgeId: string
  judgeName: string
  model?: string
  rubricId: string
  /** Tokens of the judge call, split evenly over the dimensions it scored. */
  tokens?: TokenUsage
  latencyMs: number
  source: 'live' | 'stored'
  error?: JudgmentError
  /** The retry attempt of the test that made it (0 for the first run); only the last attempt counts. */
  retry: number
  /** Where the judgment is kept, when the store is on. */
  store?: {
    /** The store file, relative to the Vitest root. */
    file: string
    key: string
    /** `true` when this run judged it live and wrote it to the store. */
    written: boolean
  }
  /** The judged output and its input, shortened, for reports. */
  output: string
  input?: string
}
