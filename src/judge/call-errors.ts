/**
 * Internal to the judge: what a failed live call becomes. Every failure keeps its cause (status, request id, the
 * SDK's error) until it turns into an error judgment, and says whether a retry may help.
 */
import { RubricError } from '../errors.ts'
import type { AttemptFailure } from './retry.ts'
import { isRetryableStatus } from './retry.ts'

type Sdk = typeof import('openai')

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

/** What a judge call failure is described with. */
export interface CallContext {
  model: string
  sdk: Sdk | undefined
  /** The server's base URL, once the client exists. */
  baseURL: string | undefined
  timeoutMs: number
  /** Retries made before the failure. */
  retries: number
  signal: AbortSignal | undefined
}

/** Whether an attempt's error is worth retrying: connection errors, timeouts, 408, 409, 429 and 5xx. */
export function classifyFailure(error: unknown, sdk: Sdk): AttemptFailure {
  if (error instanceof sdk.APIUserAbortError) return { retryable: false }
  if (error instanceof sdk.APIConnectionError) return { retryable: true }
  if (error instanceof sdk.APIError && error.status !== undefined) {
    return { retryable: isRetryableStatus(error.status, error.headers), headers: error.headers }
  }
  // The connection closed while the body was read (undici's "terminated"): a connection error too.
  return { retryable: error instanceof TypeError && /terminated|socket|ECONNRESET/i.test(describe(error)) }
}

/** The error judgment's cause: code, message with the fix, status and request id. */
export function toJudgeCallError(error: unknown, context: CallContext): JudgeCallError {
  if (error instanceof JudgeCallError) return error
  const { model, sdk, timeoutMs, signal } = context
  const where = context.baseURL ? ` at ${context.baseURL}` : ''
  const after = `after ${context.retries} ${context.retries === 1 ? 'retry' : 'retries'}`
  if (signal?.aborted || (sdk && error instanceof sdk.APIUserAbortError)) {
    return new JudgeCallError(
      'RUBRIC_JUDGE_ABORTED',
      `the call to the judge "${model}" was aborted (the test timed out or was cancelled).`,
      { cause: error },
    )
  }
  if (sdk && error instanceof sdk.APIConnectionTimeoutError) {
    return new JudgeCallError(
      'RUBRIC_JUDGE_TIMEOUT',
      `the judge "${model}"${where} did not answer within ${timeoutMs} ms (${after}). ` +
        'Raise the judge `timeout`, or check that the server is not overloaded.',
      { cause: error },
    )
  }
  if (sdk && error instanceof sdk.APIConnectionError) {
    return new JudgeCallError(
      'RUBRIC_JUDGE_HTTP',
      `could not reach the judge "${model}"${where} (${after}): ${clause(describe(error))}. ` +
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
        httpHint(error.status, context.retries),
      { status: error.status, cause: error, ...(requestId ? { requestId } : {}) },
    )
  }
  if (error instanceof RubricError) return new JudgeCallError(error.code, error.message, { cause: error })
  const retried = context.retries > 0 ? ` (${after})` : ''
  return new JudgeCallError(
    'RUBRIC_JUDGE_HTTP',
    `the reply of the judge "${model}"${where} could not be read${retried}: ${clause(describe(error))}. ` +
      'Check that `baseURL` points at an OpenAI-compatible server.',
    { cause: error },
  )
}

/** The error's message with its cause's, which is where undici says what happened to the connection. */
function describe(error: unknown): string {
  if (!(error instanceof Error)) return String(error)
  const cause = error.cause instanceof Error ? error.cause.message : undefined
  return cause && !error.message.includes(cause) ? `${error.message} (${cause})` : error.message
}

/** A message without its final full stop, to be followed by one. */
function clause(text: string): string {
  return text.trim().replace(/\.+$/, '')
}

function httpHint(status: number, retries: number): string {
  if (status === 401 || status === 403) return 'Check the API key (OPENAI_API_KEY or the judge `apiKey`).'
  if (status === 404) return 'Check the model name and `baseURL` (it usually ends in /v1).'
  const times = `${retries} ${retries === 1 ? 'retry' : 'retries'}`
  if (status === 429)
    return `Still rate-limited after ${times}: lower the judge \`concurrency\` or \`requestsPerMinute\`, or raise \`maxRetries\`.`
  if (status >= 500) return `The server still failed after ${times}: try again later or raise \`maxRetries\`.`
  if (status === 408 || status === 409)
    return `Still failing after ${times}: try again later or raise \`maxRetries\`.`
  return 'The server rejected the request: check that the model supports chat completions.'
}
