import type { Transcript } from './transcript/schema.ts'
import type { ExpectedToolCall } from './transcript/tool-sequence.ts'

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

/** The names of the built-in dimensions for conversations (see `conversationDimensions`). */
export type ConversationDimensionName = 'goalCompletion' | 'toolUse' | 'knowledgeRetention' | 'roleAdherence'

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
  heuristic?: BuiltinDimensionName | ConversationDimensionName
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
  /** Set when the output is a conversation: `output` is then its transcript, rendered one message per line. */
  conversation?: JudgedConversation
  /**
   * Set when the judge compares two outputs (`toBePreferredOver`): `output` is shown as A and `outputB` as B, and
   * each dimension's verdict is a preference.
   */
  comparison?: JudgedComparison
  /** Aborts a live call, for example when the test times out. */
  signal?: AbortSignal
}

/** The second output of a pairwise comparison, shown to the judge as B. */
export interface JudgedComparison {
  outputB: string
}

/** Which output of a pair a judge prefers on one dimension: the one shown as A, the one shown as B, or neither. */
export type PairPreference = 'A' | 'B' | 'tie'

/** A conversation under judgment. */
export interface JudgedConversation {
  /**
   * `whole`: the judge scores the conversation; `lastTurn`: the last assistant turn, in the context of the turns
   * before it (`{ per: 'turn' }`).
   */
  scope: 'whole' | 'lastTurn'
  /** The transcript, tool-call ids renumbered (`canonicalTranscript`). */
  transcript: Transcript
  /** The tool calls the conversation should make, for the heuristic judge's `toolUse`. */
  expectedTools?: readonly ExpectedToolCall[]
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
  /**
   * With `scoring: 'expected'`: the probability of each value of the scale (keyed by the value), renormalised
   * over the scale; `raw` is then their expectation.
   */
  distribution?: Record<string, number>
  /**
   * In a comparison: the output the judge prefers on this dimension; `score` is then the share of the preference
   * that A gets (1 for A, 0.5 for a tie, 0 for B).
   */
  preference?: PairPreference
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
  /** The underlying error (the SDK's, or the connection's), when there was one. */
  cause?: JudgmentErrorCause
  /**
   * Set when no request reached the judge, and why: no API key, the budget was spent, the store could not be
   * read, or `replay` found no stored judgment. Such a judgment is not a live call.
   */
  unsent?: UnsentCause
}

/** The underlying error of a failed judgment, as it travels as JSON from the main process to the test. */
export interface JudgmentErrorCause {
  /** The error class, for example `InternalServerError` or `APIConnectionError`. */
  name: string
  message: string
  /** The provider's or Node's error code, for example `rate_limit_exceeded` or `ECONNRESET`. */
  code?: string
}

/** Why a judgment's request never reached the judge. */
export type UnsentCause = 'no-key' | 'budget' | 'store' | 'replay-miss'

/** One judge's verdict on one output. */
export interface Judgment {
  /** The id of the judge that made it (`Judge.id`): the rubric is `rubricId`. */
  judgeId: string
  /** How the judge is shown, for example `gpt-4.1-mini` or `heuristic@1 (offline)`. */
  judgeName: string
  model?: string
  rubricId: string
  /** Scores per requested dimension; empty when `error` is set. */
  scores: Record<string, DimensionScore>
  error?: JudgmentError
  tokens?: TokenUsage
  /** What the live calls of this judgment cost in US dollars, when the model has a price (see `prices`). */
  costUsd?: number
  /** Calls retried after a transient failure (429, 5xx, timeout, connection error) while making it. */
  retries?: number
  latencyMs: number
  /** `live` when a judge was called for it in this run, `stored` when read from the judgment store. */
  source: 'live' | 'stored'
  /**
   * Something the reader of the scores must know, for example that the server returned no log-probabilities, so
   * the scores of `scoring: 'expected'` are the sampled integers.
   */
  note?: string
  /** With a panel: each member's verdict, in member order (a failed member has `error` and no scores). */
  members?: { name: string; judgeId: string; scores: Record<string, number>; error?: string }[]
  /** With several trials: every trial's score per dimension, in trial order (`scores` holds their aggregate). */
  trials?: Record<string, number[]>
}

/** How the trials of a judgment combine into its score. */
export type TrialAggregate = 'mean' | 'median' | 'min'

/**
 * What an assertion whose trials fall on both sides of its floor does: `fail` it (a coin flip is not a pass),
 * `warn` (the aggregate decides, and the test prints a warning), or `pass` (the aggregate decides).
 */
export type UnstablePolicy = 'fail' | 'warn' | 'pass'

/** A versioned evaluator. */
export interface Judge {
  /**
   * Hash of everything that changes its verdicts except the rubric: an LLM judge's model, server (the base URL's
   * origin, or its `id` option), prompt template and temperature; the heuristic judge's methods version.
   */
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
   * Says that the judge's servers are one judge. The judge id (under which judgments are stored and replayed and
   * calibrations are kept) covers the base URL's origin, so the same model name on another server, which may
   * serve another model, is another judge. With `id` set, the id covers this name instead of the origin: endpoints
   * with the same `id` (a proxy and the provider, two replicas) share stored judgments and calibrations. The
   * model, prompt template and temperature still count.
   * @default the origin of `baseURL`
   * @example 'team-vllm-llama-3.3-70b'
   */
  id?: string
  /**
   * The API key. An empty string is no key. Prefer the environment variable: a key written in a config file ends up in git.
   * @default process.env.OPENAI_API_KEY
   */
  apiKey?: string
  /** @default 0 */
  temperature?: number
  /**
   * Retries of a failed call (408, 409, 429, 5xx, timeouts and connection errors), with backoff that honours
   * `Retry-After`. Each retry is counted in the judgment's record and the report.
   * @default 2
   */
  maxRetries?: number
  /**
   * The longest backoff before a retry when the server sends no `Retry-After`: 0.5 s, doubling per retry, up to
   * this. A `Retry-After` is honoured as sent; the test's timeout still ends the wait.
   * @default 8_000
   */
  maxRetryDelayMs?: number
  /**
   * Timeout of one call attempt in milliseconds.
   * @default 60_000
   */
  timeout?: number
  /**
   * Judge calls in flight at once across all workers of the run (inside `evals()`; `calibrate()` limits its own
   * calls).
   * @default 16
   */
  concurrency?: number
  /**
   * Judge calls started in any 60 s window, across the run (retries count).
   * @default unlimited
   */
  requestsPerMinute?: number
  /**
   * Tokens in any 60 s window, across the run: a call counts its prompt length (4 characters a token) plus a
   * verdict allowance until its usage is known.
   * @default unlimited
   */
  tokensPerMinute?: number
  /**
   * The most the run may spend on live judge calls, in US dollars. Each call reserves its estimated cost (its
   * prompt at 4 characters a token, plus `maxOutputTokens`) before it is sent, and starts only while the budget
   * has room for it beside what is spent and reserved, so spending passes the budget by at most one call's
   * estimate. Once spent, further outputs are not judged: their assertions fail with `RUBRIC_JUDGE_BUDGET`, and
   * the run says what was spent, reserved and skipped. Needs a price for the model (built in or in `prices`).
   * @default no budget
   */
  budgetUsd?: number
  /**
   * Prices in US dollars per million tokens by model name, over the built-in table (OpenAI models and some
   * OpenRouter names, taken 2025-08; prices change, so check yours). Cost is reported per judgment, dimension,
   * file and run when the model has a price.
   * @example { 'my-model': { inputPerMillion: 0.5, outputPerMillion: 1.5 } }
   */
  prices?: Record<string, ModelPrice>
  /**
   * The most tokens the judge may write for one verdict, sent with each call. It bounds what a call can cost:
   * each call reserves its prompt and this many output tokens against `budgetUsd` before it is sent. Reasoning
   * models count their reasoning in it: give them several thousand. A verdict cut off at the limit is an error
   * judgment (`RUBRIC_JUDGE_TRUNCATED`), never a score.
   * @default 256 + 256 per dimension scored in the call
   */
  maxOutputTokens?: number
  /**
   * The request field the output token limit is sent in. OpenAI's API takes `max_completion_tokens` (its
   * reasoning models refuse `max_tokens`); many OpenAI-compatible servers (vLLM, Ollama, llama.cpp, LM Studio)
   * know only `max_tokens`. When not given, a server that rejects the field is asked again with the other one,
   * remembered for the judge.
   * @default 'max_completion_tokens' for OpenAI's API (no `baseURL`, or api.openai.com), else 'max_tokens'
   */
  outputLimitParam?: 'max_completion_tokens' | 'max_tokens'
  /**
   * How the verdict is requested: `json_schema` (structured output), `json_object`, or `text` (parsed from the
   * reply). `auto` tries them in this order, stepping down when the server rejects one.
   * @default 'auto'
   */
  responseFormat?: 'auto' | 'json_schema' | 'json_object' | 'text'
  /**
   * Judge calls per output: each is its own call (limited, budgeted and priced like any), kept in the judgment
   * store by trial index, and the assertion uses their aggregate (see the matchers' `aggregate`). A matcher's or
   * `describeEval`'s `trials` overrides it. Trials vary only as much as the judge does: with temperature 0 they
   * measure the server's nondeterminism, with a higher temperature the judge's uncertainty.
   * @default 1
   */
  trials?: number
  /**
   * How a score is read from the verdict: `sample`, the integer the judge wrote; `expected`, the expectation of
   * the score token over the scale's values, from the token log-probabilities (`logprobs`, `top_logprobs`),
   * renormalised over the scale (G-Eval). A server that returns no log-probabilities gets the sampled integer,
   * and the run says so once. Needs a scale of single digits (for example 1 to 5).
   * @default 'sample'
   */
  scoring?: 'sample' | 'expected'
}

/** What a model costs, in US dollars per million tokens. */
export interface ModelPrice {
  /** Per million prompt tokens. */
  inputPerMillion: number
  /** Per million completion tokens. */
  outputPerMillion: number
}

/** How the judgment store is used; see `EvalsOptions.store`. */
export type StoreMode = 'auto' | 'replay' | 'record' | 'off'

/**
 * How much judged text a stored judgment keeps. Store files are meant to be committed, so an entry keeps only
 * what a reviewer needs to see in a diff which output changed; its key hashes the whole texts either way.
 */
export interface StoreTextLimit {
  /**
   * Characters of the judged output kept in full; a longer output is cut there and its hash kept beside it.
   * @default 1000
   */
  output?: number
  /**
   * Characters of the input and of the context kept as an excerpt, beside the hash of their whole text.
   * @default 200
   */
  excerpt?: number
}

/** How a panel combines its members' scores: their mean, median, or the score most members gave. */
export type PanelAggregate = 'mean' | 'median' | 'majority'

/** A judge made of member LLM judges (ideally of different model families) and an aggregate. */
export interface PanelJudgeOptions {
  /** The members; each is an LLM judge with its own model, server and key. */
  panel: LlmJudgeOptions[]
  /** @default 'mean' */
  aggregate?: PanelAggregate
  /**
   * How many members must answer for the panel to score; fewer, and the judgment is an error (never a score).
   * @default a majority of the members
   */
  quorum?: number
  /** Judge calls per member and output, as an LLM judge's `trials`. @default 1 */
  trials?: number
}

/** `'heuristic'` for the embedded offline judge, the options of an LLM judge, or a panel of LLM judges. */
export type JudgeOption = 'heuristic' | LlmJudgeOptions | PanelJudgeOptions

/** Where `reporter: { otel }` sends the evaluation events itself, with the OTLP/HTTP (JSON) log exporter. */
export interface OtelExportOptions {
  /**
   * The collector's OTLP/HTTP base URL (events are posted to `<endpoint>/v1/logs`), or a URL ending in `/v1/logs`.
   * @default process.env.OTEL_EXPORTER_OTLP_LOGS_ENDPOINT (used as it is), else
   * process.env.OTEL_EXPORTER_OTLP_ENDPOINT
   */
  endpoint?: string
  /** HTTP headers of the export request, for example an `authorization` header of your collector. */
  headers?: Record<string, string>
  /**
   * How long the export may take, retries included, before the run ends with a warning.
   * @default process.env.OTEL_EXPORTER_OTLP_LOGS_TIMEOUT, else process.env.OTEL_EXPORTER_OTLP_TIMEOUT, else 10_000
   */
  timeoutMs?: number
}

/** Options of the `evals()` project helper. */
export interface EvalsOptions {
  /**
   * How a sharded run (`--shard=i/N`) divides the judge limits (`concurrency`, `requestsPerMinute`,
   * `tokensPerMinute`, `budgetUsd`): each shard makes its own calls, so by default (`split`, for shards that share
   * one key and so one provider's limits) each enforces 1/N of each limit and of the budget, at least 1 call in
   * flight. `whole` is for shards that each have their own key: every shard enforces the whole limits. The
   * shard's share is printed with its table.
   * @default 'split'
   */
  shardLimits?: 'split' | 'whole'
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
  /**
   * How much judged text each stored judgment keeps: the output up to `output` characters, the input and context
   * as an excerpt of `excerpt` characters plus their hash. Keys cover the whole texts whatever the limits.
   * @default { output: 1000, excerpt: 200 }
   */
  storeText?: StoreTextLimit
  /** Options of the reporter that aggregates scores per dimension. */
  reporter?: RubricReporterOptions | false
  /**
   * Annotate each test with every record its assertions made (dimension, score, floor, judge, reason), through
   * Vitest's test annotations, located at the assertion's line: `notice` when it passed, `error` when it failed.
   * Vitest's own reporters show them (the default reporter under a failed test, `verbose`, `junit` as properties,
   * `github-actions` on the line, `html` and `--ui` in the test's detail). Display only: reports read the records.
   * @default true
   */
  annotations?: boolean
  /**
   * Suite gates: per dimension, bounds in [0, 1] on statistics of the whole run, checked after all files (after
   * `--merge-reports` for sharded runs). A statistic below its bound fails the run (a P0 alert naming the
   * dimension, the statistic, the value and the bound). A dimension the run scored nothing on is skipped.
   * @example { faithfulness: { mean: 0.85, passRate: 0.9 }, safety: { min: 1 } }
   */
  gates?: SuiteGates
  /**
   * A report of an earlier run (kept in git, written with `vitest-rubric baseline`), relative to the Vitest root.
   * Per dimension, the change of the mean over the outputs both runs scored, with a 95% paired bootstrap
   * interval, shown in the table; a significant drop is a P1 alert. A missing file is noted, not an error.
   */
  baseline?: string
  /**
   * What a significant drop against the baseline does: `warn` prints a P1 alert, `fail` also fails the run.
   * @default 'warn'
   */
  regression?: RegressionPolicy
  /**
   * The judge's measured agreement with people (`vitest-rubric calibrate` writes it to
   * `.vitest-rubric/calibration/<judge id>.json`). The run's table then shows each dimension's calibration; with
   * `minSpearman`, a dimension whose judge is uncalibrated, stale (the judge or rubric changed since) or agrees
   * with people at a Spearman below the bound fails the run (a P0 alert naming the dimension, the value and the
   * bound).
   * @example { minSpearman: 0.4 }
   */
  calibration?: CalibrationGateOptions
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
  /**
   * How many eval files run at once (Vitest's `maxWorkers`, for this project). An eval file mostly waits on the
   * judge, so more of them run at once than Vitest's default for CPU-bound tests: while one file starts, the
   * others keep the judge busy. `--maxWorkers` on the command line takes precedence on Vitest 5.
   * @default the number of CPUs plus one (3 on 2 CPUs)
   */
  maxWorkers?: number
  /**
   * The project's `sequence.groupOrder`. Vitest runs projects with different `maxWorkers` in separate groups;
   * by default the evals project runs after the other projects (group 0), so cheap tests fail first.
   * @default 1
   */
  groupOrder?: number
  /** More setup files, run after vitest-rubric's own. */
  setupFiles?: string[]
  /**
   * The embedding model that `toBeSimilarTo(reference, floor, { method: 'embedding' })` calls, on any
   * OpenAI-compatible `/v1/embeddings` API. Vectors are kept in the judgment store beside judgments, so a
   * replayed run makes no call.
   * @default { model: 'text-embedding-3-small' }, with the judge's `baseURL` and `apiKey`
   */
  embeddings?: EmbeddingsOptions
  /**
   * What an assertion does when its judge trials fall on both sides of a floor (see `trials`): `'fail'` it,
   * `'warn'` and let the aggregate decide, or `'pass'` quietly to the aggregate. The table counts unstable
   * outputs either way.
   * @default 'fail'
   */
  unstable?: UnstablePolicy
}

/** Options of the embedding model behind embedding similarity. */
export interface EmbeddingsOptions {
  /**
   * The embedding model.
   * @default 'text-embedding-3-small'
   */
  model?: string
  /**
   * Base URL of any OpenAI-compatible server.
   * @default the LLM judge's `baseURL`, else process.env.OPENAI_BASE_URL, else https://api.openai.com/v1
   */
  baseURL?: string
  /**
   * The API key. Prefer the environment variable: a key written in a config file ends up in git.
   * @default the LLM judge's `apiKey`, else process.env.OPENAI_API_KEY
   */
  apiKey?: string
  /**
   * The length of the vectors, for models that can shorten them (`text-embedding-3-*`).
   * @default the model's own
   */
  dimensions?: number
  /**
   * Timeout of one call in milliseconds.
   * @default 60_000
   */
  timeout?: number
  /**
   * Retries of a failed call (429, 5xx, connection errors), with the SDK's backoff.
   * @default 2
   */
  maxRetries?: number
}

/** A statistic of a dimension over a run that a suite gate can bound. */
export type GateStatistic = 'mean' | 'passRate' | 'p10' | 'min' | 'p50' | 'p95' | 'p99'

/** What a gate's `mean` bound is checked against: the mean itself, or the lower end of its 95% interval. */
export type GateBoundOn = 'mean' | 'lower'

/**
 * The bounds of one dimension's suite gate: the run fails when a statistic is below its bound. Two names bound
 * what the system under test spent per `describeEval` task instead, from above: `latency` (its wall time in
 * milliseconds) and `tokens` (the tokens its result reported, all models together), with `mean`, `p50`, `p95`
 * and `p99`: `gates: { latency: { p95: 2000 }, tokens: { mean: 1500 } }` fails the run when a statistic is above
 * its bound.
 */
export interface DimensionGate {
  /**
   * The lowest mean score allowed, in [0, 1]; for `latency` and `tokens`, the highest mean per task allowed. What of
   * a score's mean is held to it is set by `on`.
   */
  mean?: number
  /**
   * What the `mean` bound of a score dimension is checked against: `'mean'`, the mean itself, or `'lower'`, the lower
   * end of its 95% interval (Student's t over outputs, each output counting once however many trials it had), so
   * the gate passes only when the mean clears the bound beyond noise. With fewer than 2 scores there is no interval
   * and a `'lower'` gate fails. Only `mean` has an interval: `on` needs a `mean` bound. Not for `latency`/`tokens`.
   * @default 'mean'
   */
  on?: GateBoundOn
  /** The lowest share of scored outputs that reached their floor, in [0, 1]. */
  passRate?: number
  /** The lowest 10th percentile of the scores, in [0, 1]. */
  p10?: number
  /** The lowest single score allowed, in [0, 1] (`1` means every output must score full marks). */
  min?: number
  /** `latency` and `tokens` only: the highest median per task allowed (milliseconds, or tokens). */
  p50?: number
  /** `latency` and `tokens` only: the highest 95th percentile per task allowed (milliseconds, or tokens). */
  p95?: number
  /** `latency` and `tokens` only: the highest 99th percentile per task allowed (milliseconds, or tokens). */
  p99?: number
}

/** Suite gates keyed by dimension name. */
export type SuiteGates = Record<string, DimensionGate>

/** What a significant drop against the baseline does: print a P1 alert (`warn`) or also fail the run (`fail`). */
export type RegressionPolicy = 'warn' | 'fail'

/** How slow drift is detected over the run history. */
export interface DriftOptions {
  /**
   * How many of the latest comparable runs that scored the dimension are looked at (at least 3). Runs compare when
   * they covered the dimension alike: the same files, each with the same number of results.
   * @default 5
   */
  runs?: number
  /**
   * The fall of the mean per run (least-squares slope) that counts as drift, in [0, 1]. For the task costs (latency
   * p95, mean tokens), which are not on that scale, the rise per run as a share of their mean: 0.01 is 1% a run.
   * @default 0.01
   */
  slope?: number
  /**
   * Runs whose share of results in error (judge or scorer failures) is above this, in [0, 1], are left out of
   * drift: their means stand on the outputs the judge managed to score. When this run is above it, no drift is
   * reported. It does not apply to the task costs: a judge's errors do not change what the system under test spent.
   * @default 0.1
   */
  maxErrorShare?: number
}

/**
 * Options of the per-dimension reporter: what it prints and writes. What the run is checked against (suite gates,
 * the baseline, the regression policy, the calibration gate) is configured in `evals()` only.
 */
export interface RubricReporterOptions {
  /**
   * Where `report.json` is written, relative to the Vitest root. `false` writes none.
   * @default '.vitest-rubric/report.json'
   */
  outputFile?: string | false
  /**
   * Emit each judgment of the run as an OpenTelemetry `gen_ai.evaluation.result` event (GenAI semantic
   * conventions 1.45.0) when the run ends: `true` emits through `@opentelemetry/api-logs` to the logger provider
   * your setup registered in the main Vitest process (for example in `vitest.config.ts`); `{ endpoint }` sends them
   * itself with the OTLP/HTTP log exporter. The OpenTelemetry packages are optional peer dependencies, loaded only
   * then. A collector that cannot be reached is a warning at the end of the run, never a failed eval.
   * @default false
   */
  otel?: boolean | OtelExportOptions
  /**
   * Print a table per file as well as the run table.
   * @default true
   */
  perFile?: boolean
  /**
   * The run history, one JSON line per complete run (time, commit, share of results in error, and per dimension the
   * mean, n, pass rate and a hash of the files and result counts it covered), relative to the Vitest root; it draws the HTML trend and detects slow drift. Watch re-runs and shards add no line.
   * `false` keeps none.
   * @default `history.jsonl` beside `outputFile` ('.vitest-rubric/history.jsonl'); none when `outputFile` is false
   */
  history?: string | false
  /**
   * Slow drift (a P2 alert): a dimension whose mean falls across the last `runs` runs of the history, this one
   * included: the least-squares slope of the mean per run is at most `-slope` and the last mean is below the
   * first. `false` checks none.
   * @default { runs: 5, slope: 0.01 }
   */
  drift?: DriftOptions | false
  /**
   * Also write the Markdown summary (table, gates, baseline comparison, lowest-scoring outputs) to this file,
   * relative to the Vitest root. It is appended to `$GITHUB_STEP_SUMMARY` whenever that is set.
   * @default false
   */
  markdown?: string | false
  /**
   * Append the Markdown summary to the file named by `$GITHUB_STEP_SUMMARY`, when set (GitHub Actions).
   * @default true
   */
  githubSummary?: boolean
  /**
   * Write the self-contained HTML report (tables, histograms, trend, lowest-scoring outputs with their diff
   * against the baseline) to this file, relative to the Vitest root.
   * @default false
   */
  html?: string | false
  /**
   * How many of the lowest-scoring outputs per dimension the Markdown summary and the HTML report show. The
   * Markdown summary shows only outputs below their floor, so only dimensions that have some.
   * @default 5
   */
  worst?: number
  /**
   * Also print a table per value of a row metadata field (for example `'segment'`), over the whole run. Rows
   * of `describeEval` carry their metadata into the records; records without the field form the group
   * `(none)`. Several fields print one set of tables each.
   */
  groupBy?: string | string[]
  /**
   * During a run, a progress line (judged live, from the store, errors, cost so far): in a terminal at most every
   * 2 s, in CI at most every 10 s, and only once the run has taken that long. Silent between watch-mode runs.
   * @default true
   */
  progress?: boolean
}

export type {
  CheckRecord,
  JudgmentRecord,
  LocatedRecord,
  RecordKind,
  RubricRecord,
  ScorerRecord,
  SimilarityRecord,
} from './record/schema.ts'

// Datasets and sampling

/**
 * A row as the default schema reads it. Fields the default schema does not know (for example a CSV column
 * `segment`) are moved into `metadata`, so reports can group by them; keys written in `metadata` itself win.
 */
export interface DatasetRow {
  /** A stable id. Numbers are turned into text. Without one, the row's id is a hash of its content. */
  id?: string
  /** The input (question, prompt) the task answers. */
  input: string
  /** A recorded output to judge as it is, for example a response read from production logs. */
  output?: string
  /** The context the output must be grounded in: one text, or several retrieved passages. */
  context?: string | string[]
  /** A reference answer, for judges and scorers that compare with one. */
  reference?: string
  /** An expected value for exact scorers (any JSON value). */
  expected?: unknown
  /**
   * A conversation in any shape `toTranscript` reads: the conversation so far for a task to continue, or, in a
   * suite without a task, the recorded conversation to judge. Without `input`, the input is its last user turn.
   */
  messages?: unknown[]
  /** The tool calls the conversation should make, for the heuristic judge's `toolUse` (names or `{ name, args }`). */
  expectedTools?: ExpectedToolCall[]
  /** Anything else about the row (`segment`, `source`, ...). It travels into the report. */
  metadata?: Record<string, unknown>
}

/** Where a row comes from. */
export interface RowSource {
  /** The file, relative to the `cwd` it was loaded from, with forward slashes. */
  file: string
  /** The 1-based line the row starts on (JSONL and CSV files). */
  line?: number
  /** The 0-based index of the row in the file's array (JSON files). */
  index?: number
  /** The 1-based number of the row among the file's data rows, not counting the header (CSV files). */
  row?: number
}

/** One validated row of a dataset. */
export interface Row<T = DatasetRow> {
  /** The row's own `id` (as text) when it has one, else a hash of its validated content. Unique in a dataset. */
  readonly id: string
  /** The row as the schema returned it. */
  readonly data: T
  readonly source: RowSource
}

/** Rows loaded from one or more files. */
export interface Dataset<T = DatasetRow> {
  /** A name for reports: the `name` option, else the file's name without extension, else the patterns. */
  readonly name: string
  readonly rows: Row<T>[]
  /**
   * A hash of the validated rows and their ids. It does not depend on key order, row order, file names or
   * formats, and it changes when any row changes, so a report can say which version of a dataset it scored.
   */
  readonly hash: string
  /** The files read, relative to `cwd`, with forward slashes, sorted. */
  readonly files: string[]
}

/** Options of `loadDataset` and `loadDatasetSync`. */
export interface LoadDatasetOptions<S = unknown> {
  /**
   * A zod 4 schema every row must pass; its output becomes `row.data`. CSV cells are text and empty cells are
   * left out, so use `z.coerce.number()` for numeric columns.
   * @default datasetRowSchema (`id`, `input`, `output`, `context`, `reference`, `expected`, `metadata`)
   */
  schema?: S
  /**
   * The directory the patterns are relative to, and that `files` and error messages are shown relative to.
   * Pass `import.meta.dirname` to resolve patterns next to the eval file.
   * @default process.cwd()
   */
  cwd?: string | URL
  /** The dataset's name in reports. @default the file name without extension, or the patterns */
  name?: string
}

/**
 * Options of `sampleRows`. Without `n` or `fraction` every row is kept. The rows drawn are those whose seeded hash
 * of their id is smallest (in each stratum): the same rows and seed give the same sample, and a dataset that gains
 * a row keeps nearly all of its sample, so their stored judgments keep serving.
 */
export interface SampleOptions<R> {
  /** How many rows to draw, besides the `always` rows. More than there are keeps them all. */
  n?: number
  /**
   * The share of rows to draw, between 0 and 1, besides the `always` rows: `fraction` of the rows that are
   * not `always` rows, rounded to the nearest whole row.
   */
  fraction?: number
  /**
   * Draw from each stratum in proportion to its size, within one row of the exact share. A function, or the
   * name of a field: of `row.data` for dataset rows (then of `row.data.metadata`), else of the row (then of
   * `row.metadata`). Rows without the field form one stratum.
   */
  stratifyBy?: string | ((row: R) => unknown)
  /** Rows kept whatever the sample (for example errors and flagged responses). They do not count against `n`. */
  always?: (row: R) => boolean
  /**
   * The seed of the draw: the same seed and rows give the same sample. Set the environment variable to
   * rotate samples across runs (for example `VITEST_RUBRIC_SEED=$(date +%F)`).
   * @default process.env.VITEST_RUBRIC_SEED, else 1
   */
  seed?: number | string
}

/**
 * One request of a production log, in the shape `sampleLogs` works with. The default reader fills it from the
 * field names listed on `readLogRecord`; a `map` option returns it from any other log shape.
 */
export interface LogRecord {
  /** The request's id, when the log has one; it becomes the row's id. */
  id?: string
  /** The prompt or question. */
  input: string
  /** The response the application gave. */
  output?: string
  /** The retrieved context the response should be grounded in. */
  context?: string | string[]
  /** The error of a failed request. Rows with an error are always kept. */
  error?: string
  /** Flagged by a user, a moderator or a guardrail. Flagged rows are always kept. */
  flagged?: boolean
  /** The user gave negative feedback (thumbs down). Such rows are always kept. */
  thumbsDown?: boolean
  /** When the request was made, as written in the log. */
  timestamp?: string
  /** Any other field worth keeping; it goes into the row's metadata. */
  metadata?: Record<string, unknown>
}

/** Options of `sampleLogs`. */
export interface SampleLogsOptions {
  /** The share of ordinary requests (no error, not flagged, no thumbs down) to keep, between 0 and 1. */
  rate: number
  /** Keep these requests too, besides errors, flagged and thumbs-down ones. */
  always?: (record: LogRecord) => boolean
  /** @default process.env.VITEST_RUBRIC_SEED, else 1 */
  seed?: number | string
  /**
   * Reads one parsed log line into a `LogRecord`; return `undefined` to skip the line. Call `readLogRecord`
   * inside it to keep the default field names for what you do not map yourself.
   * @default readLogRecord
   */
  map?: (entry: unknown, source: RowSource) => LogRecord | undefined
  /**
   * What to do with a line that is not valid JSON: fail, or skip it and count it in `counts.skipped`
   * (a log still being written can end in a cut line).
   * @default 'error'
   */
  malformedLines?: 'error' | 'skip'
  /** @default process.cwd() */
  cwd?: string | URL
  /** @default the file name without extension, or the patterns */
  name?: string
}

/** The rows `sampleLogs` kept, as a dataset, with counts of what it read. */
export interface LogSample extends Dataset<DatasetRow> {
  readonly counts: {
    /** Requests read (lines that were skipped not included). */
    total: number
    /** Requests kept because of an error, a flag, a thumbs down or the `always` option. */
    always: number
    /** Ordinary requests kept by the `rate`. */
    sampled: number
    /** Lines skipped: malformed (with `malformedLines: 'skip'`) or left out by `map`. */
    skipped: number
  }
}

// Data-driven eval suites

/** The rows of a `describeEval` suite: a dataset, or an array of row data (or of dataset rows). */
export type EvalData<T> = Dataset<T> | readonly (T | Row<T>)[]

/** What the task of a `describeEval` row gets besides the row's data. */
export interface EvalTaskContext<T> {
  /** The row: its id, data and where it comes from. */
  row: Row<T>
  /** Aborted when the test times out or the run is cancelled; pass it on to the calls the task makes. */
  signal: AbortSignal
}

/** What the judge and the scorers read of a row and its task's result. */
export interface EvalJudgeInputs {
  /** The output to judge: text, or a value that serialises to JSON. @default the task's result */
  output?: unknown
  /** The input (question, prompt) that produced the output. */
  input?: string | readonly string[] | Record<string, unknown>
  /** The context the output must be grounded in; an array of passages is joined with blank lines. */
  context?: string | readonly string[] | Record<string, unknown>
  /** A reference answer. */
  reference?: string | readonly string[] | Record<string, unknown>
}

/**
 * What a scorer reads besides the output. Texts are what the judge reads too. `describeEval` passes every field
 * the row has; `toPassScorer` passes those its options give (never `data` or `row`).
 */
export interface ScorerContext<T = unknown> {
  input?: string
  context?: string
  reference?: string
  /** The row's `expected` field, or `toPassScorer`'s `expected` option. */
  expected?: unknown
  /** The row's data, as its schema returned it (`describeEval` only). */
  data?: T
  /** The row: its id, data and source (`describeEval` only). */
  row?: Row<T>
  /** The value under test before it was turned into text: the task's result, or what `expect()` received. */
  result?: unknown
}

/** What a scorer returns: a score in [0, 1], or the score with the reason shown in reports. */
export type ScorerResult = number | { score: number; reason?: string }

/**
 * A deterministic dimension of your own: applied to one output with
 * `await expect(output).toPassScorer(scorer, options)`, and to every row of a suite with
 * `describeEval({ scorers: [scorer] })`. Write it as an object, or with `defineScorer`, which checks it at once.
 * Its score is recorded under its name and reported like a judge's dimension; its id in records is made of its
 * name and `version`, the same for both.
 */
export interface Scorer<T = unknown> {
  /** The dimension the score is recorded under, for example `cites-sources`. Distinct from the rubric's. */
  readonly name: string
  /**
   * Scores the output (text; JSON for values that are not text) in [0, 1]. A scorer that throws or returns
   * anything else fails the assertion with an error record, never a score.
   */
  score(output: string, context: ScorerContext<T>): ScorerResult | Promise<ScorerResult>
  /**
   * The score the output must reach, in [0, 1]; an option of `toPassScorer` or `describeEval`'s `floors` wins.
   * @default 0 in `describeEval` (the score is reported and never fails the row); `toPassScorer` needs a floor
   */
  readonly floor?: number
  /** Change it when the scoring changes: it is part of the scorer's id in records. @default '1' */
  readonly version?: string | number
}

/** Which rows of a `describeEval` suite run; see `DescribeEvalOptions.sample`. */
export interface EvalSampleOptions<T> {
  /** How many rows to run, besides the `always` rows. */
  n?: number
  /** The share of rows to run, between 0 and 1, besides the `always` rows, rounded to the nearest row. */
  fraction?: number
  /**
   * Draw from each stratum in proportion to its size, within one row of the exact share: a field of the row
   * data (then of its `metadata`), or a function of the row data.
   */
  stratifyBy?: string | ((data: T) => unknown)
  /**
   * Rows that always run (for example errors and flagged responses); they do not count against `n`. The
   * boundary slice keeps them too.
   */
  always?: (data: T, row: Row<T>) => boolean
  /** @default process.env.VITEST_RUBRIC_SEED, else 1 */
  seed?: number | string
}

/** Which rows of a (sampled) suite run: all of them, or only those near a floor; see `DescribeEvalOptions.slice`. */
export type EvalSlice = 'all' | 'boundary'

/** Options of `describeEval`. `T` is the row data, `O` the task's result. */
export interface DescribeEvalOptions<T, O = unknown> {
  /**
   * The rows: a `Dataset` (from `loadDataset`, `loadDatasetSync` or `sampleLogs`), an array of row data (or of
   * dataset rows), or a promise of either, so `data: loadDataset('evals/qa.jsonl')` needs no top-level await.
   * Rows without an `id` get one from their content.
   */
  data: EvalData<T> | PromiseLike<EvalData<T>>
  /**
   * Makes the output of one row; it runs once per row, in the row's test.
   * @default the row's recorded `output` field (for example a response sampled from production logs)
   */
  task?: (data: T, context: EvalTaskContext<T>) => O | Promise<O>
  /**
   * What the judge reads: the output, and the input, context and reference it is judged against. Return the
   * fields to change; the others keep their defaults.
   * @default `{ output: result, input: data.input, context: data.context, reference: data.reference }`
   */
  judgeInputs?: (data: T, result: O) => EvalJudgeInputs
  /**
   * The rubric the output is judged on, in one judge call per row, as `toSatisfyRubric` judges it.
   * @default the built-in dimensions' rubric, when `dimensions` is given
   */
  rubric?: Rubric
  /** Judge only these dimensions of the rubric. @default all of them */
  dimensions?: string[]
  /** Floors that replace the rubric's own (and the scorers'), by dimension name, each in [0, 1]. */
  floors?: Record<string, number>
  /**
   * Judge calls per row, each stored by trial index; the row's score is their `aggregate`.
   * @default the judge's `trials`, else 1
   */
  trials?: number
  /** How the trials' scores combine. @default 'mean' */
  aggregate?: TrialAggregate
  /** Deterministic scorers run on every output, each recorded as a dimension. */
  scorers?: readonly Scorer<T>[]
  /**
   * Run the rows concurrently (up to the project's `maxConcurrency` at once). Each row asserts with its own test
   * context's `expect`, so scores never mix between rows.
   * @default true
   */
  concurrent?: boolean
  /**
   * Run a reproducible sample of the rows: `{ n: 50 }` or `{ fraction: 0.05 }`, optionally stratified, with rows
   * that always run. A row is drawn when its seeded hash of its id is among the smallest of its stratum, so a
   * dataset that gains a row keeps nearly the same sample, and its stored judgments.
   * @default every row
   */
  sample?: EvalSampleOptions<T>
  /**
   * `'boundary'` runs only the rows whose last stored scores (kept per row in the eval file's judgment store)
   * are within `boundaryMargin` of a floor on some dimension, the rows never scored on every dimension, and the
   * `always` rows; the others are reported as skipped. A fast pre-merge suite: the rows far from every floor are
   * unlikely to change outcome. The environment variable wins over the option.
   * @default process.env.VITEST_RUBRIC_SLICE, else 'all'
   */
  slice?: EvalSlice
  /**
   * How near a floor a stored score must be for the boundary slice to run its row: `|score - floor| <= margin`.
   * @default 0.1
   */
  boundaryMargin?: number
  /**
   * The name of a row's test.
   * @default the row's own `id`, else its input shortened to 60 characters
   */
  testName?: (data: T, row: Row<T>) => string
  /**
   * The metadata a row carries into its records and the report, for `groupBy`. Values that are not text,
   * numbers or booleans are written as JSON.
   * @default the row data's `metadata` object
   */
  metadata?: (data: T, row: Row<T>) => Record<string, unknown>
  /**
   * Pins a known issue of a row: return what is wrong with it (a short text), and the row's test is an expected
   * failure (`test.fails`), named `<row> (known issue: <text>)`. It passes while the evals keep catching the flaw
   * and fails once the flaw is fixed, so the pin is removed. A judgment that could not be made (judge or store
   * failure, spent budget, replay miss) fails the test all the same: it is not the known issue.
   * @default no row has a known issue
   */
  knownIssue?: (data: T, row: Row<T>) => string | false | undefined
}

// Calibration

/** The scale a human score is given on, for example `{ min: 1, max: 5 }`; it is normalised from it to [0, 1]. */
export interface HumanScale {
  min: number
  max: number
}

/**
 * One dimension's human score in a calibration row: a number on the dimension's scale, or several annotators'
 * scores, by position (`[4, 5, null]`, the same annotator order in every row) or keyed by annotator
 * (`{ "ann1": 4, "ann2": 5 }`). `null` is a missing rating. The row's score is the mean of the annotators'.
 */
export type HumanScore = number | readonly (number | null)[] | Readonly<Record<string, number | null>>

/**
 * One row of a calibration set: an output with the scores people gave it. In a JSONL file, one per line:
 *
 * ```json
 * {"id": "q17", "group": "doc-4", "input": "...", "context": "...", "output": "...", "human": {"faithfulness": 4}, "scale": {"min": 1, "max": 5}}
 * {"id": "q18", "output": "...", "context": "...", "human": {"faithfulness": [4, 5, 3], "coherence": 2}, "scale": {"faithfulness": {"min": 1, "max": 5}, "coherence": {"min": 1, "max": 3}}}
 * ```
 *
 * CSV files give `human.<dimension>` columns (and `annotator.<dimension>.<annotator>` for several annotators).
 */
export interface CalibrationRow {
  /** A stable id; without one, the row's id is a hash of its content. */
  id?: string | number
  /**
   * What the row belongs to, for example its source document or dialogue. Correlations are then also averaged
   * over groups, which measures how well the judge ranks outputs of the same source.
   */
  group?: string | number
  /** The input (question, prompt, dialogue history) the output answers. */
  input?: string
  /** The judged output; a row judges either `output` or `messages`. */
  output?: string
  /** The judged conversation, in any shape `toTranscript` reads, for calibrating conversation dimensions. */
  messages?: unknown[]
  /** The context the output must be grounded in; passages are joined with blank lines. */
  context?: string | string[]
  reference?: string
  /** The human scores, keyed by dimension name. */
  human: Record<string, HumanScore>
  /**
   * The scale of the human scores: one for every dimension, or one per dimension. It wins over the `scale`
   * option of `calibrate`.
   * @default the `scale` option, else { min: 0, max: 1 }
   */
  scale?: HumanScale | Record<string, HumanScale>
  metadata?: Record<string, unknown>
}

/** Options of `calibrate()` and of `vitest-rubric calibrate`. */
export interface CalibrateOptions {
  /** The calibration set: fast-glob patterns of JSONL, JSON or CSV files, relative to `cwd`. */
  data: string | string[]
  /**
   * The dimensions to measure; each must be in the rubric, and only rows with a human score for it count.
   * @default every dimension of the rubric that some row scores
   */
  dimensions?: string[]
  /**
   * The judge to calibrate: `'heuristic'`, an LLM judge's options, or an object of your own that implements
   * `Judge`.
   * @default 'heuristic'
   */
  judge?: JudgeOption | Judge
  /**
   * The rubric the judge scores with; its dimensions' floors set accuracy, F1 and kappa, and its scale the
   * quadratic-weighted kappa. A calibration holds for this rubric only.
   * @default the built-in dimensions' rubric
   */
  rubric?: Rubric
  /**
   * The scale of human scores for rows that declare none: one for every dimension, or one per dimension.
   * @default { min: 0, max: 1 }
   */
  scale?: HumanScale | Record<string, HumanScale>
  /**
   * How judgments are kept in `__judgments__/<file>.json` beside each calibration file, so a re-run calls no
   * judge (see `EvalsOptions.store`).
   * @default process.env.VITEST_RUBRIC_STORE, else `replay` in CI (`CI` set) when the judge has no API key, else `auto`
   */
  store?: StoreMode
  /**
   * How much judged text each stored judgment keeps (see `EvalsOptions.storeText`).
   * @default { output: 1000, excerpt: 200 }
   */
  storeText?: StoreTextLimit
  /**
   * How many rows are judged at once (LLM judges; the heuristic judge is synchronous work).
   * @default 8
   */
  concurrency?: number
  /** The bootstrap of the intervals. @default { resamples: 2000, seed: 1, level: 0.95 } */
  bootstrap?: { resamples?: number; seed?: number; level?: number }
  /**
   * The directory the `data` patterns and `outputDir` are relative to.
   * @default process.cwd()
   */
  cwd?: string | URL
  /**
   * Where the calibration is written, as `<outputDir>/<judge id>.json`, relative to `cwd`; `false` writes none.
   * Commit it: the reporter reads it to show each dimension's calibration.
   * @default '.vitest-rubric/calibration'
   */
  outputDir?: string | false
  /** Called as rows are judged, for progress. */
  onProgress?: (done: number, total: number) => void
}

/** A statistic with its bootstrap interval; `null` where undefined (for example a correlation with a constant side). */
export interface CalibrationEstimate {
  value: number | null
  low: number | null
  high: number | null
}

/** How a judge agrees with people on one dimension. Scores are normalised to [0, 1] unless said otherwise. */
export interface DimensionCalibration {
  /** Rows with both a human score and a judge score. */
  n: number
  /** Rows the judge answered with an error (or without this dimension): counted here, never scored. */
  errors: number
  /** The floor that accuracy, F1 and kappa binarise both sides at (`>= floor` passes). */
  floor: number
  pearson: CalibrationEstimate
  spearman: CalibrationEstimate
  /** Kendall's tau-b. */
  kendall: CalibrationEstimate
  /**
   * Correlations within groups, averaged over the groups where they are defined (at least 2 rows, neither side
   * constant); intervals resample the groups' correlations. Rows without a group take no part; `null` when no
   * row has one.
   */
  grouped: {
    groups: number
    /** Rows that have a group. */
    rows: number
    used: number
    skipped: number
    pearson: CalibrationEstimate
    spearman: CalibrationEstimate
    kendall: CalibrationEstimate
  } | null
  meanAbsoluteError: CalibrationEstimate
  rootMeanSquaredError: CalibrationEstimate
  /** Pass/fail agreement at the floor; F1 takes "fail" as the positive class (the outputs a gate must catch). */
  atFloor: {
    accuracy: CalibrationEstimate
    f1Fail: CalibrationEstimate
    kappa: CalibrationEstimate
    /** judge pass / human pass counts. */
    counts: {
      bothPass: number
      bothFail: number
      judgeFailsHumanPasses: number
      judgePassesHumanFails: number
    }
  }
  /**
   * Quadratic-weighted kappa on the rubric's integer scale. Human scores are put on it as
   * `round(min + score * (max - min))` (halves up); the judge's raw score is used as it is.
   */
  quadraticKappa: CalibrationEstimate
  /** The judge's most common score and its share of rows; `clustered` when the share is over 0.6. */
  clustering: { score: number | null; share: number | null; clustered: boolean }
  /**
   * Agreement between annotators, where rows have several: the ceiling for the judge. `judgeSpearman` is the
   * judge's Spearman with single annotators (mean over annotators), comparable with `pairwiseSpearman`.
   */
  annotators: {
    annotators: number
    rows: number
    krippendorffAlpha: number | null
    pairwiseSpearman: number | null
    judgeSpearman: number | null
  } | null
  /** Per calibration file, when the rows come from several. */
  files: {
    file: string
    n: number
    pearson: number | null
    spearman: number | null
    kendall: number | null
  }[]
  /** The set the dimension was measured on, and when. */
  dataset: { name: string; hash: string; files: string[] }
  calibratedAt: string
  /**
   * The id of the dimension's definition that was measured (name, description, anchors, scale): the calibration
   * holds wherever this definition is used, in any rubric, and is stale once it changes.
   */
  definitionId: string
}

/**
 * What `calibrate` writes to `.vitest-rubric/calibration/<judge id>.json`: a judge's calibration, per dimension
 * definition.
 */
export interface JudgeCalibration {
  schemaVersion: 2
  judge: {
    /** The judge's id (`Judge.id`: model, server, prompt template, temperature), the one its records carry. */
    id: string
    name: string
    model: string | null
  }
  /** The rubric of the last calibration run, for information: a calibration is kept per dimension definition. */
  rubric: { id: string; name: string; scale: RubricScale }
  /** The last calibration run's set and time. */
  dataset: { name: string; hash: string; files: string[]; rows: number }
  calibratedAt: string
  bootstrap: { resamples: number; seed: number; level: number }
  /** By dimension: a run replaces the dimensions it measured and keeps the others. */
  dimensions: Record<string, DimensionCalibration>
}

/** What `calibrate()` resolves to. */
export interface CalibrationResult {
  /** This run's calibration (the file written may keep dimensions of earlier runs). */
  calibration: JudgeCalibration
  /** The file written, relative to `cwd`, with forward slashes; `null` when `outputDir` is `false`. */
  file: string | null
  /** Judge calls: made live, read from the store, and failed. */
  calls: { live: number; stored: number; errors: number }
  /** The first error message of each error code, to say why rows failed. */
  errorSamples: { code: string; message: string; count: number }[]
  /** With a judge panel: each member's agreement with people, measured from the panel's own calls. */
  members?: { name: string; judgeId: string; dimensions: Record<string, DimensionCalibration> }[]
}

/** Calibration requirements of `evals({ calibration })`. */
export interface CalibrationGateOptions {
  /**
   * The lowest Spearman correlation with people a judge may have on a dimension it scores. A dimension whose
   * judge is uncalibrated, stale, or below this bound fails the run.
   */
  minSpearman?: number
  /**
   * Where the calibration files are, relative to the Vitest root.
   * @default '.vitest-rubric/calibration'
   */
  dir?: string
}
