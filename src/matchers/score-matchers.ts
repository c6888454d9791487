import type { MatcherState } from 'vitest'
import { JudgeFailureError, RubricArgumentError, UnknownDimensionError } from '../errors.ts'
import { errorOfCause } from '../judge/judgment-error.ts'
import { assertFloor, defaultRubric } from '../rubric/define-rubric.ts'
import type { JudgeRequest, Judgment, Rubric } from '../types.ts'
import { type AwaitGuard, abandonedOutcome } from './await-guard.ts'
import { diffValues, rubricMessage, scoreMessage } from './format.ts'
import { judgeOutput, type ServedJudgment } from './judge-service.ts'
import { optionToText, outputToText } from './judged-text.ts'
import { recordJudgment } from './record.ts'
import type { RubricMatchOptions, ScoreMatchOptions } from './types.ts'
import { undecidedMessage } from './undecided.ts'

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
  const rubric = options.rubric ?? defaultRubric
  assertRubric(rubric, name)
  if (typeof dimension !== 'string' || !Object.hasOwn(rubric.dimensions, dimension)) {
    throw new UnknownDimensionError(String(dimension), Object.keys(rubric.dimensions), rubric.name)
  }
  assertFloor(floor, `${name}('${dimension}', ${String(floor)}): the floor`, rubric.scale)
  const floors = { [dimension]: floor }
  const judgment = await judgeAndRecord(
    state,
    guard,
    name,
    buildRequest(received, rubric, [dimension], options, name),
    floors,
    isNot,
  )
  if (!judgment) return abandonedOutcome(isNot)
  const scored = judgment.scores[dimension]!
  const { actual, expected } = diffValues(floors, judgment, isNot)
  return {
    pass: scored.score >= floor,
    message: () => scoreMessage(dimension, floor, scored, judgment, isNot),
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
  const judgment = await judgeAndRecord(
    state,
    guard,
    name,
    buildRequest(received, rubric, dimensions, options, name),
    floors,
    isNot,
  )
  if (!judgment) return abandonedOutcome(isNot)
  const { actual, expected } = diffValues(floors, judgment, isNot)
  return {
    pass: dimensions.every((dimension) => judgment.scores[dimension]!.score >= floors[dimension]!),
    message: () => rubricMessage(rubric.name, floors, judgment, isNot),
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

function buildRequest(
  received: unknown,
  rubric: Rubric,
  dimensions: string[],
  options: RubricMatchOptions,
  matcher: string,
): JudgeRequest {
  const input = optionToText(options.input, 'input', matcher)
  const context = optionToText(options.context, 'context', matcher)
  const reference = optionToText(options.reference, 'reference', matcher)
  return {
    output: outputToText(received, matcher),
    rubric,
    dimensions,
    ...(input === undefined ? {} : { input }),
    ...(context === undefined ? {} : { context }),
    ...(reference === undefined ? {} : { reference }),
  }
}

/**
 * Judges, records the judgment on the test, and turns an error judgment into a thrown error, so that an
 * error fails the assertion with or without `.not` and is never read as a low score. `undefined` when the test
 * ended first (the matcher was not awaited).
 */
async function judgeAndRecord(
  state: MatcherState,
  guard: AwaitGuard,
  matcher: string,
  request: JudgeRequest,
  floors: Record<string, number>,
  isNot: boolean,
): Promise<Judgment | undefined> {
  const task = state.task
  let served: ServedJudgment
  try {
    served = await judgeOutput({ ...request, signal: guard.signal }, task?.file.filepath ?? state.testPath)
  } finally {
    guard.settle()
  }
  const { judgment } = served
  if (guard.abandoned) return undefined
  if (task) recordJudgment(task, matcher, request, served, floors, isNot)
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

function assertRubric(rubric: unknown, matcher: string): asserts rubric is Rubric {
  const candidate = rubric as Partial<Rubric> | undefined
  if (!candidate || typeof candidate.id !== 'string' || typeof candidate.dimensions !== 'object') {
    throw new RubricArgumentError(
      `${matcher}() needs a rubric made with defineRubric(); received ${typeof rubric === 'object' ? 'an object without an id' : String(rubric)}.`,
    )
  }
}
