import type {
  ChatCompletionCreateParamsNonStreaming,
  ChatCompletionMessageParam,
} from 'openai/resources/chat/completions'
import { MissingJudgeKeyError, RubricArgumentError, RubricError } from '../errors.ts'
import type { Judge, JudgeRequest, Judgment, JudgmentError, LlmJudgeOptions, TokenUsage } from '../types.ts'
import { contentHash } from '../util/hash.ts'
import { buildJudgeMessages, PROMPT_TEMPLATE, verdictInstruction } from './prompt.ts'
import { parseVerdict, verdictJsonSchema } from './verdict.ts'

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

/** A failed judge call, kept with its cause until it becomes an error judgment. */
export class JudgeCallError extends RubricError {
  readonly status: number | undefined
  readonly requestId: string | undefined

  constructor(
    code: string,
    message: string,
    details: { status?: number; requestId?: string; cause?: unknown } = {},
  ) {
    super(code, message, { cause: details.cause })
    this.name = 'JudgeCallError'
    this.status = details.status
    this.requestId = details.requestId
  }
}

/**
 * A judge that calls an OpenAI-compatible chat completions API and scores every requested dimension in one call.
 * Failures (missing key, HTTP errors, unusable verdicts) resolve to error judgments, never to a score.
 */
export function createLlmJudge(options: LlmJudgeOptions): Judge {
  if (typeof options?.model !== 'string' || options.model.trim() === '') {
    throw new RubricArgumentError("an LLM judge needs a `model`, for example { model: 'gpt-4.1-mini' }.")
  }
  const model = options.model
  const temperature = options.temperature ?? 0
  const maxRetries = options.maxRetries ?? 2
  const timeout = options.timeout ?? 60_000
  const requested = options.responseFormat ?? 'auto'
  const auto = requested === 'auto'
  let mode: ResponseMode = requested === 'auto' ? 'json_schema' : requested
  const id = contentHash({ model, template: PROMPT_TEMPLATE, temperature })
  let connection: Promise<Connection> | undefined
  let connected: Connection | undefined

  function connect(apiKey: string): Promise<Connection> {
    connection ??= import('openai').then(
      (sdk) => {
        const baseURL = options.baseURL || process.env.OPENAI_BASE_URL
        const client = new sdk.OpenAI({ apiKey, maxRetries, timeout, ...(baseURL ? { baseURL } : {}) })
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
    const usage: TokenUsage = { prompt: 0, completion: 0, total: 0 }
    const base = {
      judgeId: contentHash({ judge: id, rubric: request.rubric.id }),
      judgeName: model,
      model,
      rubricId: request.rubric.id,
      source: 'live' as const,
    }
    const finish = (rest: Pick<Judgment, 'scores'> & { error?: JudgmentError }): Judgment => ({
      ...base,
      ...rest,
      ...(usage.total > 0 || usage.prompt > 0 ? { tokens: usage } : {}),
      latencyMs: Math.round(performance.now() - started),
    })

    const apiKey = options.apiKey || process.env.OPENAI_API_KEY
    if (!apiKey) {
      const missing = new MissingJudgeKeyError(model)
      return finish({ scores: {}, error: { code: missing.code, message: missing.message } })
    }
    const prompt = buildJudgeMessages(request)
    const { dimensions } = request
    const { scale } = request.rubric
    const messages: ChatCompletionMessageParam[] = [
      { role: 'system', content: prompt.system },
      { role: 'user', content: prompt.user },
    ]
    try {
      const { sdk, client } = await connect(apiKey)
      // The latency is the judge's, not the one-off import of the SDK.
      started = performance.now()
      const call = async (): Promise<string> => {
        for (;;) {
          const tried = mode
          try {
            return await complete(client, request, messages, tried, usage)
          } catch (error) {
            const next = STEP_DOWN[tried]
            if (!auto || next === undefined || !rejectsResponseFormat(sdk, error)) throw error
            // Remembered for the judge instance: the next calls start with the mode the server accepts.
            if (mode === tried) mode = next
          }
        }
      }
      const first = await call()
      let verdict = parseVerdict(first, dimensions, scale)
      if (!verdict.ok) {
        messages.push(
          { role: 'assistant', content: first },
          {
            role: 'user',
            content: `Your reply could not be used: ${verdict.message}\n\n${verdictInstruction(dimensions, scale)}`,
          },
        )
        verdict = parseVerdict(await call(), dimensions, scale)
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
      const failure = toJudgeCallError(error, request)
      return finish({
        scores: {},
        error: {
          code: failure.code,
          message: failure.message,
          ...(failure.status !== undefined ? { status: failure.status } : {}),
          ...(failure.requestId ? { requestId: failure.requestId } : {}),
        },
      })
    }
  }

  async function complete(
    client: Client,
    request: JudgeRequest,
    messages: ChatCompletionMessageParam[],
    responseMode: ResponseMode,
    usage: TokenUsage,
  ): Promise<string> {
    const body: ChatCompletionCreateParamsNonStreaming = { model, temperature, messages: [...messages] }
    if (responseMode === 'json_schema') {
      body.response_format = {
        type: 'json_schema',
        json_schema: verdictJsonSchema(request.dimensions, request.rubric.scale),
      }
    } else if (responseMode === 'json_object') {
      body.response_format = { type: 'json_object' }
    }
    const completion = await client.chat.completions.create(
      body,
      request.signal ? { signal: request.signal } : {},
    )
    usage.prompt += completion.usage?.prompt_tokens ?? 0
    usage.completion += completion.usage?.completion_tokens ?? 0
    usage.total += completion.usage?.total_tokens ?? 0
    const requestId = completion._request_id ?? undefined
    const details = requestId ? { requestId } : {}
    const choice = completion.choices?.[0]
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
    return choice.message?.content ?? ''
  }

  function toJudgeCallError(error: unknown, request: JudgeRequest): JudgeCallError {
    if (error instanceof JudgeCallError) return error
    const { sdk, client } = connected ?? {}
    const where = client ? ` at ${client.baseURL}` : ''
    if (request.signal?.aborted || (sdk && error instanceof sdk.APIUserAbortError)) {
      return new JudgeCallError(
        'RUBRIC_JUDGE_ABORTED',
        `the call to the judge "${model}" was aborted (the test timed out or was cancelled).`,
        { cause: error },
      )
    }
    if (sdk && error instanceof sdk.APIConnectionTimeoutError) {
      return new JudgeCallError(
        'RUBRIC_JUDGE_TIMEOUT',
        `the judge "${model}"${where} did not answer within ${timeout} ms (after ${maxRetries} retries). ` +
          'Raise the judge `timeout`, or check that the server is not overloaded.',
        { cause: error },
      )
    }
    if (sdk && error instanceof sdk.APIConnectionError) {
      return new JudgeCallError(
        'RUBRIC_JUDGE_HTTP',
        `could not reach the judge "${model}"${where} (after ${maxRetries} retries): ${clause(error.message)}. ` +
          'Check that the server runs and that `baseURL` (or OPENAI_BASE_URL) is right.',
        { cause: error },
      )
    }
    if (sdk && error instanceof sdk.APIError && error.status !== undefined) {
      const detail = (error.error as { message?: unknown } | undefined)?.message
      const requestId = error.requestID ?? undefined
      return new JudgeCallError(
        'RUBRIC_JUDGE_HTTP',
        `the judge "${model}"${where} answered HTTP ${error.status}: ${clause(typeof detail === 'string' ? detail : error.message)}. ` +
          httpHint(error.status, maxRetries),
        { status: error.status, cause: error, ...(requestId ? { requestId } : {}) },
      )
    }
    if (error instanceof RubricError) return new JudgeCallError(error.code, error.message, { cause: error })
    return new JudgeCallError(
      'RUBRIC_JUDGE_HTTP',
      `the reply of the judge "${model}"${where} could not be read: ${clause(error instanceof Error ? error.message : String(error))}. ` +
        'Check that `baseURL` points at an OpenAI-compatible server.',
      { cause: error },
    )
  }

  return { id, name: model, model, judge }
}

function rejectsResponseFormat(sdk: Sdk, error: unknown): boolean {
  if (!(error instanceof sdk.APIError) || (error.status !== 400 && error.status !== 422)) return false
  if (error.param === 'response_format') return true
  return /response_format|json_schema|json_object|structured output/i.test(error.message)
}

/** A message without its final full stop, to be followed by one. */
function clause(text: string): string {
  return text.trim().replace(/\.+$/, '')
}

function httpHint(status: number, maxRetries: number): string {
  if (status === 401 || status === 403) return 'Check the API key (OPENAI_API_KEY or the judge `apiKey`).'
  if (status === 404) return 'Check the model name and `baseURL` (it usually ends in /v1).'
  if (status === 429)
    return `Still rate-limited after ${maxRetries} retries: lower the judge concurrency or raise \`maxRetries\`.`
  if (status >= 500)
    return `The server still failed after ${maxRetries} retries: try again later or raise \`maxRetries\`.`
  return 'The server rejected the request: check that the model supports chat completions.'
}
