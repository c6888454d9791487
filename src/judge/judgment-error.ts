/**
 * Internal to the judge: a failure as a value. A judge call's failure stays an error judgment from the HTTP
 * client to the matcher (it crosses the worker's socket as JSON), keeping the HTTP status, the request id and the
 * underlying error; the matcher makes it an exception once, at the assertion.
 */
import type { Judge, JudgeRequest, Judgment, JudgmentError, JudgmentErrorCause } from '../types.ts'

/** The error judgment of a failure (see `judgmentErrorOf`): no scores. */
export function errorJudgment(
  judge: Pick<Judge, 'id' | 'name' | 'model'>,
  request: Pick<JudgeRequest, 'rubric'>,
  error: JudgmentError,
  latencyMs = 0,
): Judgment {
  return {
    judgeId: judge.id,
    judgeName: judge.name,
    ...(judge.model === undefined ? {} : { model: judge.model }),
    rubricId: request.rubric.id,
    scores: {},
    error,
    latencyMs,
    source: 'live',
  }
}

/**
 * A thrown error as a judgment error. A vitest-rubric error keeps its code, status and request id, and its own
 * cause as the cause; any other error is the cause itself.
 */
export function judgmentErrorOf(error: unknown, fallbackCode = 'RUBRIC_JUDGE_FAILED'): JudgmentError {
  const { code, message, status, requestId, cause } = (error ?? {}) as Record<string, unknown>
  const ours = typeof code === 'string' && code.startsWith('RUBRIC_')
  const underlying = ours ? cause : error
  const serialised = underlying === undefined ? undefined : causeOf(underlying)
  return {
    code: ours ? code : fallbackCode,
    message: typeof message === 'string' ? message : String(error),
    ...(typeof status === 'number' ? { status } : {}),
    ...(typeof requestId === 'string' && requestId !== '' ? { requestId } : {}),
    ...(serialised ? { cause: serialised } : {}),
  }
}

/** An error as it can travel as JSON: its name, message and code (the SDK's, or Node's such as ECONNRESET). */
export function causeOf(error: unknown): JudgmentErrorCause {
  if (!(error instanceof Error)) return { name: 'Error', message: String(error) }
  const { code } = error as { code?: unknown }
  // undici puts what happened to the connection in the cause of its "fetch failed".
  const inner = error.cause instanceof Error ? error.cause.message : undefined
  const message = inner && !error.message.includes(inner) ? `${error.message} (${inner})` : error.message
  return {
    // The SDK's error classes keep the name `Error`; their class names say what failed.
    name: error.name === 'Error' ? error.constructor.name : error.name,
    message,
    ...(typeof code === 'string' || typeof code === 'number' ? { code: String(code) } : {}),
  }
}

/** The underlying error again, on the side of the socket that throws it: an `Error` with its name and code. */
export function errorOfCause(cause: JudgmentErrorCause): Error {
  const error = new Error(cause.message) as Error & { code?: string }
  error.name = cause.name
  if (cause.code !== undefined) error.code = cause.code
  return error
}
