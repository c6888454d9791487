/**
 * Errors of vitest-rubric. Each has a stable `code` and a message that ends with the fix.
 */
export class RubricError extends Error {
  readonly code: string

  constructor(code: string, message: string, options?: { cause?: unknown }) {
    super(message, options)
    this.name = 'RubricError'
    this.code = code
  }
}

/** A dimension that the rubric does not define. */
export class UnknownDimensionError extends RubricError {
  constructor(dimension: string, known: readonly string[], rubricName: string) {
    super(
      'RUBRIC_UNKNOWN_DIMENSION',
      `unknown dimension "${dimension}" in rubric "${rubricName}". Known dimensions: ${known.join(', ')}. ` +
        'Use one of them, or add the dimension to the rubric with defineRubric().',
    )
    this.name = 'UnknownDimensionError'
  }
}

/** A bad argument to a public function or matcher. */
export class RubricArgumentError extends RubricError {
  constructor(message: string) {
    super('RUBRIC_INVALID_ARGUMENT', message)
    this.name = 'RubricArgumentError'
  }
}

/** An LLM judge was configured but no API key can be found. */
export class MissingJudgeKeyError extends RubricError {
  constructor(model: string) {
    super(
      'RUBRIC_MISSING_JUDGE_KEY',
      `the LLM judge "${model}" has no API key. Either:\n` +
        '  1. set OPENAI_API_KEY (and OPENAI_BASE_URL for a server other than OpenAI),\n' +
        "  2. point the judge at a local OpenAI-compatible server: evals({ judge: { model, baseURL: 'http://localhost:11434/v1', apiKey: 'local' } }),\n" +
        "  3. or use the offline heuristic judge: evals({ judge: 'heuristic' }).",
    )
    this.name = 'MissingJudgeKeyError'
  }
}

/** A matcher returned a promise the test did not await. */
export class NotAwaitedError extends RubricError {
  /**
   * `caller` is where the matcher was called in the test file: the message names it, and the error's stack
   * starts there, so reporters show that line.
   */
  constructor(matcher: string, caller?: { frame: string; location: string }) {
    super(
      'RUBRIC_NOT_AWAITED',
      `${matcher}() ${caller ? `at ${caller.location} ` : ''}must be awaited: the test ended while it was still ` +
        `pending, so it could not pass or fail the test, and its judge call was cancelled. Write ` +
        `\`await expect(output).${matcher}(...)\`.`,
    )
    this.name = 'NotAwaitedError'
    if (caller) this.stack = `${this.name}: ${this.message}\n    ${caller.frame}`
  }
}

/**
 * A judge could not decide an assertion: the call failed (HTTP error, timeout, unusable verdict, spent budget),
 * or no judgment was stored for it. `code` is the failure's own (for example `RUBRIC_JUDGE_HTTP`); `status` and
 * `requestId` are the failing call's, and `cause` is the underlying error (the SDK's, or the connection's).
 */
export class JudgeFailureError extends RubricError {
  readonly status: number | undefined
  readonly requestId: string | undefined

  constructor(
    code: string,
    message: string,
    details: { status?: number | undefined; requestId?: string | undefined; cause?: unknown } = {},
  ) {
    super(code, message, details.cause === undefined ? undefined : { cause: details.cause })
    this.name = 'JudgeFailureError'
    this.status = details.status
    this.requestId = details.requestId
  }
}

/** A pairwise comparison of an output with itself: the judge could only call it a tie. */
export class IdenticalPairError extends RubricError {
  constructor(matcher: string) {
    super(
      'RUBRIC_PAIRWISE_IDENTICAL',
      `${matcher}() received the same output as candidate and baseline (identical once whitespace is normalised), ` +
        'so there is nothing to compare: the judge could only call it a tie, in both orders. Pass the output of ' +
        'the version under test as the candidate and the output of the version it replaces as the baseline; to ' +
        'check one output on its own, use toScoreAtLeast() or toSatisfyRubric().',
    )
    this.name = 'IdenticalPairError'
  }
}
