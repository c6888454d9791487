import type { MatcherState } from 'vitest'
import { JudgeFailureError, RubricArgumentError, UnknownDimensionError } from '../errors.ts'
import { errorOfCause } from '../judge/judgment-error.ts'
import { assertTrialAggregate, assertTrials } from '../reliability/trials.ts'
import { isConversationDimension } from '../rubric/builtin.ts'
import { assertFloor, conversationRubric, defaultRubric } from '../rubric/define-rubric.ts'
import { canonicalTranscript } from '../transcript/canonical.ts'
import { renderTranscript } from '../transcript/render.ts'
import { isConversation } from '../transcript/to-transcript.ts'
import type { JudgeRequest, Judgment, Rubric } from '../types.ts'
import { type AwaitGuard, abandonedOutcome } from './await-guard.ts'
import { receivedTranscript } from './conversation-output.ts'
import { diffValues, rubricMessage, scoreMessage } from './format.ts'
import { judgeOutput, type ServedJudgment, type TrialSettings } from './judge-service.ts'
import { judgedMaterial, outputToText } from './judged-text.ts'
import { assertionOutcome, type RecordedTurn, recordJudgment, unstableDimensions } from './record.ts'
import type { RubricMatchOptions, ScoreMatchOptions } from './types.ts'
import { undecidedMessage } from './undecided.ts'
import { unstableNote } from './unstable.ts'
import { provided } from './worker-options.ts'

interface MatcherOutcome {
  pass: boolean
  message: () => string
  actual: unknown
  expected: unknown
}

/** `await expect(output).toScoreAtLeast(dimension, floor, options)`, registered by the setup file. */
export async function toScoreAtLeast(
  state: MatcherState,
  guard: AwaitGuard,
  received: unknown,
  dimension: string,
  floor: number,
  options: ScoreMatchOptions = {},
): Promise<MatcherOutcome> {
  const name = 'toScoreAtLeast'
  const isNot = state.isNot === true // the flag is undefined, not false, without .not
  const rubric = options.rubric ?? (isConversationDimension(dimension) ? conversationRubric : defaultRubric)
  assertRubric(rubric, name)
  if (typeof dimension !== 'string' || !Object.hasOwn(rubric.dimensions, dimension)) {
    throw new UnknownDimensionError(String(dimension), Object.keys(rubric.dimensions), rubric.name)
  }
  assertFloor(floor, `${name}('${dimension}', ${String(floor)}): the floor`, rubric.scale)
  const floors = { [dimension]: floor }
  const judgment = await judgeEvery(
    state,
    guard,
    name,
    buildRequests(received, rubric, [dimension], options, name),
    floors,
    isNot,
    trialSettings(options, name),
  )
  if (!judgment) return abandonedOutcome(isNot)
  const scored = judgment.scores[dimension]!
  const { actual, expected } = diffValues(floors, judgment, isNot)
  return {
    pass: matcherPass(judgment, floors, isNot),
    message: () => scoreMessage(dimension, floor, scored, judgment, isNot) + unstableNote(judgment, floors),
    actual,
    expected,
  }
}

/** `await expect(output).toSatisfyRubric(rubric, options)`, registered by the setup file. */
export async function toSatisfyRubric(
  state: MatcherState,
  guard: AwaitGuard,
  received: unknown,
  rubric: Rubric,
  options: RubricMatchOptions = {},
): Promise<MatcherOutcome> {
  const name = 'toSatisfyRubric'
  const isNot = state.isNot === true
  assertRubric(rubric, name)
  const { dimensions, floors } = rubricFloors(rubric, options, name)
  const judgment = await judgeEvery(
    state,
    guard,
    name,
    buildRequests(received, rubric, dimensions, options, name),
    floors,
    isNot,
    trialSettings(options, name),
  )
  if (!judgment) return abandonedOutcome(isNot)
  const { actual, expected } = diffValues(floors, judgment, isNot)
  return {
    pass: matcherPass(judgment, floors, isNot),
    message: () => rubricMessage(rubric.name, floors, judgment, isNot) + unstableNote(judgment, floors),
    actual,
    expected,
  }
}

/** The dimensions to judge and their floors: the rubric's, narrowed by `dimensions`, overridden by `floors`. */
export function rubricFloors(
  rubric: Rubric,
  options: Pick<RubricMatchOptions, 'dimensions' | 'floors'>,
  matcher: string,
): { dimensions: string[]; floors: Record<string, number> } {
  const known = Object.keys(rubric.dimensions)
  const dimensions = options.dimensions === undefined ? known : [...new Set(options.dimensions)]
  if (dimensions.length === 0) {
    throw new RubricArgumentError(
      `${matcher}(): \`dimensions\` is empty; list at least one of ${known.join(', ')}, or leave it out to judge all.`,
    )
  }
  const overrides = options.floors ?? {}
  for (const dimension of [...dimensions, ...Object.keys(overrides)]) {
    if (!Object.hasOwn(rubric.dimensions, dimension)) {
      throw new UnknownDimensionError(String(dimension), known, rubric.name)
    }
  }
  const floors: Record<string, number> = {}
  for (const dimension of dimensions) {
    const floor = overrides[dimension]
    if (floor !== undefined) assertFloor(floor, `${matcher}(): the floor of ${dimension}`, rubric.scale)
    floors[dimension] = floor ?? rubric.dimensions[dimension]!.floor
  }
  return { dimensions, floors }
}

/** The trials a matcher asked for, checked. */
function trialSettings(options: RubricMatchOptions, matcher: string): TrialSettings {
  return {
    trials: options.trials === undefined ? undefined : assertTrials(options.trials, `${matcher}()`),
    aggregate:
      options.aggregate === undefined ? undefined : assertTrialAggregate(options.aggregate, `${matcher}()`),
  }
}

/**
 * The `pass` a matcher returns (Vitest inverts it under `.not`): the assertion's outcome, so that an unstable
 * judgment under the `fail` policy fails with or without `.not`.
 */
function matcherPass(judgment: Judgment, floors: Record<string, number>, isNot: boolean): boolean {
  const passed = assertionOutcome(judgment, floors, isNot, provided().unstable ?? 'fail')
  return passed !== isNot
}

/**
 * The requests of one assertion: one for text or a whole conversation; with `{ per: 'turn' }`, one per assistant
 * turn that has text, each scoring that turn in the context of the messages before it.
 */
function buildRequests(
  received: unknown,
  rubric: Rubric,
  dimensions: string[],
  options: RubricMatchOptions,
  matcher: string,
): JudgeRequest[] {
  const base = { rubric, dimensions, ...judgedMaterial(options, matcher, options.goal) }
  const per = options.per ?? 'conversation'
  if (per !== 'conversation' && per !== 'turn') {
    throw new RubricArgumentError(
      `${matcher}() option \`per\` is ${JSON.stringify(per)}; use 'conversation' (the default) or 'turn'.`,
    )
  }
  if (typeof received === 'string' || !isConversation(received)) {
    const conversational = dimensions.filter(isConversationDimension)
    if (per === 'turn' || conversational.length > 0 || options.expectedTools !== undefined) {
      throw new RubricArgumentError(
        `${matcher}() ${per === 'turn' ? "option `per: 'turn'`" : conversational.length > 0 ? `dimension ${conversational.join(', ')}` : 'option `expectedTools`'} ` +
          'judges a conversation, but the output is not one. Pass the messages your agent returned (any shape ' +
          'toTranscript() reads), or a Transcript.',
      )
    }
    return [{ ...base, output: outputToText(received, matcher) }]
  }
  const transcript = canonicalTranscript(receivedTranscript(received, matcher))
  const expectedTools = options.expectedTools === undefined ? {} : { expectedTools: options.expectedTools }
  if (per === 'conversation') {
    return [
      {
        ...base,
        output: renderTranscript(transcript),
        conversation: { scope: 'whole', transcript, ...expectedTools },
      },
    ]
  }
  const turns = transcript.messages.flatMap((message, index) =>
    message.role === 'assistant' && message.content !== '' ? [index] : [],
  )
  if (turns.length === 0) {
    throw new RubricArgumentError(
      `${matcher}() with \`per: 'turn'\` found no assistant turn with text to score. Pass the conversation after the ` +
        'assistant has answered.',
    )
  }
  return turns.map((index) => {
    const prefix = { messages: transcript.messages.slice(0, index + 1) }
    return {
      ...base,
      output: renderTranscript(prefix),
      conversation: { scope: 'lastTurn', transcript: prefix, ...expectedTools },
    }
  })
}

/**
 * Judges every request of an assertion. With several (one per turn), the assertion reads, per dimension, the
 * lowest turn; every turn is recorded with its place, the whole assertion's outcome, and on each dimension's
 * lowest turn every turn's score.
 */
async function judgeEvery(
  state: MatcherState,
  guard: AwaitGuard,
  matcher: string,
  requests: JudgeRequest[],
  floors: Record<string, number>,
  isNot: boolean,
  trials: TrialSettings,
): Promise<Judgment | undefined> {
  if (requests.length === 1) {
    const served = await judgeServed(state, guard, requests[0]!, trials)
    return served && recordAndCheck(state, matcher, requests[0]!, served, floors, isNot)
  }
  const settled = await Promise.allSettled(
    requests.map((request) => judgeServed(state, guard, request, trials)),
  )
  const failed = settled.find((outcome) => outcome.status === 'rejected')
  if (failed) throw failed.reason
  const served = settled.map(
    (outcome) => (outcome as PromiseFulfilledResult<ServedJudgment | undefined>).value,
  )
  if (served.some((one) => one === undefined)) return undefined
  const turns = (served as ServedJudgment[]).map((one, index) => {
    const messages = requests[index]!.conversation!.transcript.messages.length
    const label = `turn ${index + 1} of ${requests.length} (message ${messages - 1})`
    return { ...one, labelled: labelTurn(one.judgment, label), message: messages - 1 }
  })
  const decided = turns.every(({ judgment }) => !undecided(judgment, Object.keys(floors)))
  // Per dimension, the lowest turn (the first of equal ones), when every turn was scored.
  const lowest: Record<string, number> = {}
  if (decided) {
    for (const dimension of Object.keys(floors)) {
      let at = 0
      turns.forEach(({ judgment }, turn) => {
        if (judgment.scores[dimension]!.score < turns[at]!.judgment.scores[dimension]!.score) at = turn
      })
      lowest[dimension] = at
    }
  }
  const scores: Judgment['scores'] = {}
  const trialScores: Record<string, number[]> = {}
  for (const [dimension, turn] of Object.entries(lowest)) {
    scores[dimension] = turns[turn]!.labelled.scores[dimension]!
    const lowestTrials = turns[turn]!.judgment.trials?.[dimension]
    if (lowestTrials) trialScores[dimension] = lowestTrials
  }
  const { trials: _, ...first } = turns[0]!.judgment
  const combined: Judgment = {
    ...first,
    scores,
    ...(Object.keys(trialScores).length > 0 ? { trials: trialScores } : {}),
  }
  const assertionPassed = decided
    ? assertionOutcome(combined, floors, isNot, provided().unstable ?? 'fail')
    : null
  // Every turn is recorded before the first undecided one fails the assertion.
  let failure: unknown
  for (const [index, turn] of turns.entries()) {
    const lowestOf: Record<string, number[]> = {}
    for (const [dimension, at] of Object.entries(lowest)) {
      if (at === index) lowestOf[dimension] = turns.map(({ judgment }) => judgment.scores[dimension]!.score)
    }
    const recorded = {
      turn: { index: index + 1, of: turns.length, message: turn.message },
      lowestOf,
      since: index === 0 ? 0 : turns[index - 1]!.message + 1,
      assertionPassed,
    }
    // Records keep the judge's own reasons (the turn is a field of its own); messages and errors name the turn.
    try {
      recordAndCheck(state, matcher, requests[index]!, turn, floors, isNot, recorded, turn.labelled)
    } catch (error) {
      failure ??= error
    }
  }
  if (failure !== undefined) throw failure
  return combined
}

/** Judges one request; `undefined` when the test ended first (the matcher was not awaited). */
async function judgeServed(
  state: MatcherState,
  guard: AwaitGuard,
  request: JudgeRequest,
  trials: TrialSettings,
): Promise<ServedJudgment | undefined> {
  let served: ServedJudgment
  try {
    served = await judgeOutput(
      { ...request, signal: guard.signal },
      state.task?.file.filepath ?? state.testPath,
      trials,
    )
  } finally {
    guard.settle()
  }
  return guard.abandoned ? undefined : served
}

/** A judgment that gave no score on some dimension asked for: an error, or an incomplete verdict. */
function undecided(judgment: Judgment, dimensions: readonly string[]): boolean {
  return judgment.error !== undefined || dimensions.some((dimension) => !judgment.scores[dimension])
}

/**
 * Records the judgment on the test, and turns an error judgment into a thrown error, so that an error fails the
 * assertion with or without `.not` and is never read as a low score. `shown` is the judgment as messages show it
 * (a turn's, labelled with the turn).
 */
function recordAndCheck(
  state: MatcherState,
  matcher: string,
  request: JudgeRequest,
  served: ServedJudgment,
  floors: Record<string, number>,
  isNot: boolean,
  turn?: RecordedTurn,
  shown: Judgment = served.judgment,
): Judgment {
  const task = state.task
  const policy = provided().unstable ?? 'fail'
  if (task) recordJudgment(task, matcher, request, served, floors, isNot, policy, turn)
  const judgment = shown
  if (policy === 'warn' && !judgment.error && unstableDimensions(judgment, floors).length > 0) {
    console.warn(`${matcher}(): ${unstableNote(judgment, floors).trim()}`)
  }
  const missing = request.dimensions.filter((dimension) => !judgment.scores[dimension])
  if (judgment.error || missing.length > 0) {
    const { error } = judgment
    throw new JudgeFailureError(
      error?.code ?? 'RUBRIC_JUDGE_INCOMPLETE',
      undecidedMessage(
        task,
        `${matcher}() could not be decided: the judge ${judgment.judgeName} failed to score ` +
          `${request.dimensions.join(', ')}.\n${error?.message ?? `no score for ${missing.join(', ')}`}`,
      ),
      {
        status: error?.status,
        requestId: error?.requestId,
        ...(error?.cause ? { cause: errorOfCause(error.cause) } : {}),
      },
    )
  }
  return judgment
}

/** The judgment of one turn, its reasons (and error) prefixed with the turn, on a copy. */
function labelTurn(judgment: Judgment, label: string): Judgment {
  const scores = Object.fromEntries(
    Object.entries(judgment.scores).map(([name, scored]) => [
      name,
      { ...scored, reason: `${label}: ${scored.reason}` },
    ]),
  )
  return {
    ...judgment,
    scores,
    ...(judgment.error
      ? { error: { ...judgment.error, message: `${label}: ${judgment.error.message}` } }
      : {}),
  }
}

export function assertRubric(rubric: unknown, matcher: string): asserts rubric is Rubric {
  const candidate = rubric as Partial<Rubric> | undefined
  if (!candidate || typeof candidate.id !== 'string' || typeof candidate.dimensions !== 'object') {
    throw new RubricArgumentError(
      `${matcher}() needs a rubric made with defineRubric(); received ${typeof rubric === 'object' ? 'an object without an id' : String(rubric)}.`,
    )
  }
}
