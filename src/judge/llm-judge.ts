import type {
  ChatCompletion,
  ChatCompletionCreateParamsNonStreaming,
  ChatCompletionMessageParam,
} from 'openai/resources/chat/completions'
import {
  buildSimulatorMessages,
  parseSimulatorReply,
  SIMULATOR_REPLY_SCHEMA,
  type SimulatorReply,
  type SimulatorRequest,
  simulatorRetryInstruction,
} from '../conversation/simulator-prompt.ts'
import { MissingJudgeKeyError, RubricArgumentError } from '../errors.ts'
import { applyExpectedScores, type CallLogprobs } from '../reliability/apply-expected.ts'
import { assertExpectedScale } from '../reliability/expected-score.ts'
import type {
  Judge,
  JudgeRequest,
  Judgment,
  JudgmentError,
  LlmJudgeOptions,
  ModelPrice,
  TokenUsage,
} from '../types.ts'
import { classifyFailure, JudgeCallError, toJudgeCallError } from './call-errors.ts'
import { judgeFetch } from './http-transport.ts'
import { judgmentErrorOf } from './judgment-error.ts'
import { createLocalLimiter, type JudgeLimiter, judgeLimits } from './limiter/limiter.ts'
import { DEFAULT_BASE_URL, judgeApiKey, judgeBaseURL, resolveLlmJudge } from './llm-options.ts'
import { buildPairwiseMessages, preferenceInstruction } from './pairwise-prompt.ts'
import { parsePreferenceVerdict, preferenceJsonSchema } from './pairwise-verdict.ts'
import { costOf, priceFor, validatePrices } from './pricing.ts'
import { buildJudgeMessages, verdictInstruction } from './prompt.ts'
import { callWithRetries } from './retry.ts'
import { parseVerdict, verdictJsonSchema } from './verdict.ts'

export { JudgeCallError } from './call-errors.ts'

// The SDK is only a type here: it is imported on the first live call, so a replayed suite never loads it.
type Sdk = typeof import('openai')
type Client = InstanceType<Sdk['OpenAI']>
type ResponseMode = 'json_schema' | 'json_object' | 'text'
interface Connection {
  sdk: Sdk
  client: Client
}

const STEP_DOWN: Record<ResponseMode, ResponseMode | undefined> = {
  json_schema: 'json_object',
  json_object: 'text',
  text: undefined,
}

/** Tokens a verdict is expected to take per dimension, for `tokensPerMinute` before the usage is known. */
const EXPECTED_TOKENS_PER_DIMENSION = 80

/** The request field that carries the output token limit. */
type OutputLimitParam = NonNullable<LlmJudgeOptions['outputLimitParam']>

/**
 * The output token limit of a call scoring `dimensions` dimensions when `maxOutputTokens` is not given: room
 * for a reason and a score per dimension (a verdict takes about 80 tokens a dimension), several times over.
 */
export function defaultMaxOutputTokens(dimensions: number): number {
  return 256 + 256 * dimensions
}

/**
 * The field the output token limit is sent in: `max_completion_tokens` to OpenAI's API (its reasoning models
 * refuse `max_tokens`), `max_tokens` to other servers (many OpenAI-compatible servers know only that one).
 */
export function outputLimitParamFor(
  options: Pick<LlmJudgeOptions, 'baseURL' | 'outputLimitParam'>,
): OutputLimitParam {
  if (options.outputLimitParam) return options.outputLimitParam
  const baseURL = options.baseURL || process.env.OPENAI_BASE_URL
  if (!baseURL) return 'max_completion_tokens'
  return URL.canParse(baseURL) && new URL(baseURL).hostname === 'api.openai.com'
    ? 'max_completion_tokens'
    : 'max_tokens'
}

const OTHER_LIMIT_PARAM: Record<OutputLimitParam, OutputLimitParam> = {
  max_completion_tokens: 'max_tokens',
  max_tokens: 'max_completion_tokens',
}
/** Alternatives asked for at each token with `scoring: 'expected'`: the most chat completions APIs allow. */
const TOP_LOGPROBS = 20

/** What `createJudge` hands an LLM judge inside an `evals()` run. */
export interface LlmJudgeInternals {
  /** The run's limiter (the coordinator's client); without it the judge limits its own calls. */
  limiter?: JudgeLimiter | undefined
}

/** Tokens a simulated user's turn is expected to take, for `tokensPerMinute` before the usage is known. */
const EXPECTED_TOKENS_PER_TURN = 120
/** The output token limit of a simulated user's turn when `maxOutputTokens` is not given. */
const SIMULATOR_OUTPUT_TOKENS = 1024

/** A judge that can also play a simulated user (an LLM judge). */
export interface SimulatingJudge extends Judge {
  simulate(request: SimulatorRequest & { signal?: AbortSignal }): Promise<SimulatorReply>
}

/** What one chat completion asks for, beyond the messages. */
interface ChatSpec {
  model: string
  price: ModelPrice | undefined
  outputLimit: number
  /** Output tokens expected, for `tokensPerMinute` before the usage is known. */
  expectedTokens: number
  /** The JSON schema of the reply, in `json_schema` mode. */
  jsonSchema: { name: string; strict?: boolean; schema: Record<string, unknown> }
  /** Ask for log-probabilities (`scoring: 'expected'`). */
  logprobs: boolean
  signal: AbortSignal | undefined
}

/** What one judgment's calls used, gathered across its attempts. */
interface Tally {
  usage: TokenUsage
  costUsd: number
  retries: number
}

/**
 * A judge that calls an OpenAI-compatible chat completions API and scores every requested dimension in one call.
 * Each call attempt takes a slot of the limiter (the run's, inside `evals()`), transient failures are retried
 * with backoff, and failures (missing key, HTTP errors, unusable verdicts, a spent budget) resolve to error
 * judgments, never to a score.
 */
export function createLlmJudge(
  options: LlmJudgeOptions,
  internals: LlmJudgeInternals = {},
): SimulatingJudge & { prepare(): Promise<void> } {
  const { id } = resolveLlmJudge(options)
  const model = options.model
  const temperature = options.temperature ?? 0
  const maxRetries = options.maxRetries ?? 2
  const maxRetryDelayMs = options.maxRetryDelayMs ?? 8_000
  const timeout = options.timeout ?? 60_000
  const requested = options.responseFormat ?? 'auto'
  const auto = requested === 'auto'
  let mode: ResponseMode = requested === 'auto' ? 'json_schema' : requested
  const { maxOutputTokens } = options
  if (maxOutputTokens !== undefined && !(Number.isInteger(maxOutputTokens) && maxOutputTokens > 0)) {
    throw new RubricArgumentError(
      `judge.maxOutputTokens is ${String(maxOutputTokens)}; give a whole number of tokens above 0, or leave it ` +
        'out for room for a reason and a score per dimension.',
    )
  }
  let limitParam = outputLimitParamFor(options)
  const scoring = options.scoring ?? 'sample'
  const price = priceFor(model, validatePrices(options.prices))
  const limiter = internals.limiter ?? createLocalLimiter(judgeLimits(options))
  let connection: Promise<Connection> | undefined
  let connected: Connection | undefined

  function connect(apiKey: string): Promise<Connection> {
    connection ??= import('openai').then(
      (sdk) => {
        const baseURL = judgeBaseURL(options)
        // Retries are made by callWithRetries, through the limiter.
        const fetch = judgeFetch()
        const client = new sdk.OpenAI({
          apiKey,
          maxRetries: 0,
          timeout,
          ...(baseURL ? { baseURL } : {}),
          ...(fetch ? { fetch } : {}),
        })
        connected = { sdk, client }
        return connected
      },
      (cause: unknown) => {
        throw new JudgeCallError(
          'RUBRIC_JUDGE_SDK_MISSING',
          `the LLM judge "${model}" needs the \`openai\` package, which could not be loaded. Install it: npm i openai.`,
          { cause },
        )
      },
    )
    return connection
  }

  async function judge(request: JudgeRequest): Promise<Judgment> {
    let started = performance.now()
    const tally: Tally = { usage: { prompt: 0, completion: 0, total: 0 }, costUsd: 0, retries: 0 }
    const base = {
      judgeId: id,
      judgeName: model,
      model,
      rubricId: request.rubric.id,
      source: 'live' as const,
    }
    const finish = (
      rest: Pick<Judgment, 'scores'> & { error?: JudgmentError; note?: string | undefined },
    ): Judgment => {
      const { usage } = tally
      const used = usage.total > 0 || usage.prompt > 0
      const { note, ...scored } = rest
      return {
        ...base,
        ...scored,
        ...(note ? { note } : {}),
        ...(used ? { tokens: usage } : {}),
        ...(used && price ? { costUsd: tally.costUsd } : {}),
        ...(tally.retries > 0 ? { retries: tally.retries } : {}),
        latencyMs: Math.round(performance.now() - started),
      }
    }

    const apiKey = judgeApiKey(options)
    if (apiKey === undefined) {
      const missing = judgmentErrorOf(new MissingJudgeKeyError(model))
      return finish({ scores: {}, error: { ...missing, unsent: 'no-key' } })
    }
    // A comparison asks for a preference per dimension, not a score: it is sampled whatever `scoring` says.
    const comparing = request.comparison !== undefined
    const prompt = comparing ? buildPairwiseMessages(request) : buildJudgeMessages(request)
    const { dimensions } = request
    const { scale } = request.rubric
    const expected = scoring === 'expected' && !comparing
    if (expected) assertExpectedScale(scale, request.rubric.name)
    const parse = (text: string) =>
      comparing ? parsePreferenceVerdict(text, dimensions) : parseVerdict(text, dimensions, scale)
    const messages: ChatCompletionMessageParam[] = [
      { role: 'system', content: prompt.system },
      { role: 'user', content: prompt.user },
    ]
    try {
      const { sdk, client } = await connect(apiKey)
      // The latency is the judge's, not the one-off import of the SDK.
      started = performance.now()
      let logprobs: CallLogprobs = null
      const spec: ChatSpec = {
        model,
        price,
        outputLimit: maxOutputTokens ?? defaultMaxOutputTokens(dimensions.length),
        expectedTokens: EXPECTED_TOKENS_PER_DIMENSION * dimensions.length,
        jsonSchema: comparing ? preferenceJsonSchema(dimensions) : verdictJsonSchema(dimensions, scale),
        logprobs: expected,
        signal: request.signal,
      }
      const call = async (): Promise<string> => {
        const answered = await chat(sdk, client, messages, spec, tally)
        logprobs = answered.logprobs
        return answered.content
      }
      let content = await call()
      const first = content
      let verdict = parse(first)
      if (!verdict.ok) {
        messages.push(
          { role: 'assistant', content: first },
          {
            role: 'user',
            content: `Your reply could not be used: ${verdict.message}\n\n${comparing ? preferenceInstruction(dimensions) : verdictInstruction(dimensions, scale)}`,
          },
        )
        content = await call()
        verdict = parse(content)
      }
      if (verdict.ok && expected) {
        const where = connected?.client.baseURL ?? options.baseURL ?? 'the judge server'
        return finish(
          applyExpectedScores(verdict.scores, content, logprobs, request, { model, server: where }),
        )
      }
      if (verdict.ok) return finish({ scores: verdict.scores })
      return finish({
        scores: {},
        error: {
          code: 'RUBRIC_JUDGE_SCHEMA',
          message:
            `the judge "${model}" gave no usable verdict after being asked twice: ${verdict.message}\n` +
            'Use a model that follows JSON instructions, or one whose server supports structured output (json_schema).',
        },
      })
    } catch (error) {
      return finish({ scores: {}, error: callFailure(error, model, tally, request.signal) })
    }
  }

  /**
   * A simulated user's next turn (see `runConversation`): one call, asked again once when the reply cannot be
   * used, through the same limiter, retries, budget and price table as a judgment. `request.model` may name
   * another model than the judge's, on the judge's server. A failure is a reply with `error`, never a turn.
   */
  async function simulate(request: SimulatorRequest & { signal?: AbortSignal }): Promise<SimulatorReply> {
    let started = performance.now()
    const tally: Tally = { usage: { prompt: 0, completion: 0, total: 0 }, costUsd: 0, retries: 0 }
    const simulator = request.model
    const simulatorPrice = simulator === model ? price : priceFor(simulator, validatePrices(options.prices))
    const finish = (turn: Pick<SimulatorReply, 'action' | 'message'> & { error?: JudgmentError }) => {
      const { usage } = tally
      const used = usage.total > 0 || usage.prompt > 0
      return {
        ...turn,
        model: simulator,
        ...(used ? { tokens: usage } : {}),
        ...(used && simulatorPrice ? { costUsd: tally.costUsd } : {}),
        ...(tally.retries > 0 ? { retries: tally.retries } : {}),
        latencyMs: Math.round(performance.now() - started),
      }
    }
    const failed = (error: JudgmentError) => finish({ action: 'give-up', message: '', error })
    const apiKey = judgeApiKey(options)
    if (apiKey === undefined) {
      return failed({ ...judgmentErrorOf(new MissingJudgeKeyError(simulator)), unsent: 'no-key' })
    }
    const prompt = buildSimulatorMessages(request)
    const messages: ChatCompletionMessageParam[] = [
      { role: 'system', content: prompt.system },
      { role: 'user', content: prompt.user },
    ]
    const spec: ChatSpec = {
      model: simulator,
      price: simulatorPrice,
      outputLimit: maxOutputTokens ?? SIMULATOR_OUTPUT_TOKENS,
      expectedTokens: EXPECTED_TOKENS_PER_TURN,
      jsonSchema: SIMULATOR_REPLY_SCHEMA,
      logprobs: false,
      signal: request.signal,
    }
    try {
      const { sdk, client } = await connect(apiKey)
      started = performance.now()
      const first = (await chat(sdk, client, messages, spec, tally)).content
      let parsed = parseSimulatorReply(first)
      if (!parsed.ok) {
        messages.push(
          { role: 'assistant', content: first },
          { role: 'user', content: simulatorRetryInstruction(parsed.problem) },
        )
        parsed = parseSimulatorReply((await chat(sdk, client, messages, spec, tally)).content)
      }
      if (parsed.ok) return finish({ action: parsed.action, message: parsed.message })
      return failed({
        code: 'RUBRIC_SIMULATOR_REPLY',
        message:
          `the simulated user's model "${simulator}" gave no usable turn after being asked twice: ${parsed.problem} ` +
          'Use a model that follows JSON instructions, or one whose server supports structured output (json_schema).',
      })
    } catch (error) {
      return failed(callFailure(error, simulator, tally, request.signal))
    }
  }

  /** What a judgment's or a turn's calls failed with, as an error value that keeps the status, request id and cause. */
  function callFailure(
    error: unknown,
    called: string,
    tally: Tally,
    signal: AbortSignal | undefined,
  ): JudgmentError {
    const failure = toJudgeCallError(error, {
      model: called,
      sdk: connected?.sdk,
      baseURL: connected?.client.baseURL,
      timeoutMs: timeout,
      retries: tally.retries,
      signal,
    })
    // Refused by the budget before its first attempt: nothing reached the judge.
    const unsent = failure.code === 'RUBRIC_JUDGE_BUDGET' && tally.retries === 0 && tally.usage.total === 0
    return { ...judgmentErrorOf(failure), ...(unsent ? { unsent: 'budget' } : {}) }
  }

  /**
   * One chat completion in the response mode the server accepts: a server that rejects the mode (in `auto`) or the
   * field of the output token limit is asked again with the next mode or the other field, remembered for the
   * judge instance.
   */
  async function chat(
    sdk: Sdk,
    client: Client,
    messages: ChatCompletionMessageParam[],
    spec: ChatSpec,
    tally: Tally,
  ): Promise<{ content: string; logprobs: CallLogprobs }> {
    let switchedLimit = false
    for (;;) {
      const tried = mode
      const sentLimit = limitParam
      try {
        return await complete(sdk, client, messages, spec, tried, tally)
      } catch (error) {
        // A server that knows only the other field of the output token limit: switch once, for the instance.
        if (!options.outputLimitParam && !switchedLimit && rejectsParam(sdk, error, sentLimit)) {
          switchedLimit = true
          if (limitParam === sentLimit) limitParam = OTHER_LIMIT_PARAM[sentLimit]
          continue
        }
        const next = STEP_DOWN[tried]
        if (!auto || next === undefined || !rejectsResponseFormat(sdk, error)) throw error
        // Remembered for the judge instance: the next calls start with the mode the server accepts.
        if (mode === tried) mode = next
      }
    }
  }

  /** One chat completion, through the limiter and with retries; the text it answered. */
  async function complete(
    sdk: Sdk,
    client: Client,
    messages: ChatCompletionMessageParam[],
    spec: ChatSpec,
    responseMode: ResponseMode,
    tally: Tally,
  ): Promise<{ content: string; logprobs: CallLogprobs }> {
    const { model, price, outputLimit, signal } = spec
    const body: ChatCompletionCreateParamsNonStreaming = {
      model,
      temperature,
      messages: [...messages],
      [limitParam]: outputLimit,
    }
    if (spec.logprobs) {
      body.logprobs = true
      body.top_logprobs = TOP_LOGPROBS
    }
    if (responseMode === 'json_schema') {
      body.response_format = { type: 'json_schema', json_schema: spec.jsonSchema }
    } else if (responseMode === 'json_object') {
      body.response_format = { type: 'json_object' }
    }
    const promptChars = messages.reduce((sum, message) => sum + String(message.content ?? '').length, 0)
    const promptTokens = Math.ceil(promptChars / 4)
    const { data, response, requestId } = await callWithRetries({
      limiter,
      policy: { maxRetries, maxRetryDelayMs },
      tokens: promptTokens + spec.expectedTokens,
      // The most the call can cost: its prompt and the whole output limit.
      costUsd: price ? costOf({ prompt: promptTokens, completion: outputLimit }, price) : 0,
      signal,
      classify: (error) => classifyFailure(error, sdk),
      onRetry: () => {
        tally.retries += 1
      },
      attempt: async (spend) => {
        const answered = await client.chat.completions
          .create(body, { maxRetries: 0, ...(signal ? { signal } : {}) })
          .withResponse()
        // The SDK gives the body as text when the server does not answer JSON.
        const answer = answered.data as ChatCompletion | string
        if (typeof answer === 'string')
          return { data: answer, response: answered.response, requestId: answered.request_id }
        const usage = {
          prompt: answer.usage?.prompt_tokens ?? 0,
          completion: answer.usage?.completion_tokens ?? 0,
          total: answer.usage?.total_tokens ?? 0,
        }
        const costUsd = price ? costOf(usage, price) : 0
        tally.usage.prompt += usage.prompt
        tally.usage.completion += usage.completion
        tally.usage.total += usage.total
        tally.costUsd += costUsd
        spend({ tokens: usage.total, costUsd })
        return { data: answer, response: answered.response, requestId: answered.request_id }
      },
    })
    const details = requestId ? { requestId } : {}
    if (typeof data === 'string' || !Array.isArray(data?.choices)) {
      throw notACompletion(model, client.baseURL, response, data, requestId ?? undefined)
    }
    const choice = data.choices[0]
    if (!choice) {
      throw new JudgeCallError(
        'RUBRIC_JUDGE_EMPTY',
        `the judge "${model}" answered with no choices.`,
        details,
      )
    }
    if (choice.message?.refusal || choice.finish_reason === 'content_filter') {
      const said = choice.message?.refusal
        ? `: ${JSON.stringify(choice.message.refusal)}`
        : ' (content filter)'
      throw new JudgeCallError(
        'RUBRIC_JUDGE_REFUSAL',
        `the judge "${model}" refused to score the output${said}. Check the output, or use another judge model.`,
        details,
      )
    }
    if (choice.finish_reason === 'length') {
      throw new JudgeCallError(
        'RUBRIC_JUDGE_TRUNCATED',
        `the verdict of the judge "${model}" was cut off at the token limit (finish_reason "length"). ` +
          'Score fewer dimensions per call, or use a model with a larger output limit.',
        details,
      )
    }
    return { content: choice.message?.content ?? '', logprobs: choice.logprobs?.content ?? null }
  }

  /**
   * Loads the SDK and makes the client now, and Node's HTTP client too (it loads on first use), so that the
   * first live call does not wait for them. Without a key there is nothing to prepare: the call reports it.
   */
  async function prepare(): Promise<void> {
    const apiKey = judgeApiKey(options)
    if (apiKey === undefined) return
    await connect(apiKey).catch(() => {})
    void globalThis.Headers
  }

  return { id, name: model, model, judge, simulate, prepare }
}

/** A 200 whose body is not a chat completion (an HTML page, a proxy's text, another API's JSON). */
function notACompletion(
  model: string,
  baseURL: string,
  response: Response,
  body: unknown,
  requestId: string | undefined,
): JudgeCallError {
  const contentType = response.headers.get('content-type') ?? 'none'
  const text = typeof body === 'string' ? body : JSON.stringify(body)
  const start = text.length > 200 ? `${text.slice(0, 200)}…` : text
  return new JudgeCallError(
    'RUBRIC_JUDGE_NOT_COMPLETION',
    `the judge "${model}" at ${baseURL} answered HTTP ${response.status} with content type ${contentType}, not a chat ` +
      `completion; the body starts: ${JSON.stringify(start)}. Check that \`baseURL\` (or OPENAI_BASE_URL) points at ` +
      `an OpenAI-compatible API, usually ending in /v1 (the default is ${DEFAULT_BASE_URL}).`,
    { status: response.status, ...(requestId ? { requestId } : {}) },
  )
}

/** A 400 or 422 that says the request field `param` is not supported. */
function rejectsParam(sdk: Sdk, error: unknown, param: string): boolean {
  if (!(error instanceof sdk.APIError) || (error.status !== 400 && error.status !== 422)) return false
  if (error.param === param) return true
  return (
    new RegExp(`\\b${param}\\b`).test(error.message) &&
    /unsupported|not supported|unknown|unrecognized|not permitted|extra/i.test(error.message)
  )
}

function rejectsResponseFormat(sdk: Sdk, error: unknown): boolean {
  if (!(error instanceof sdk.APIError) || (error.status !== 400 && error.status !== 422)) return false
  if (error.param === 'response_format') return true
  return /response_format|json_schema|json_object|structured output/i.test(error.message)
}
