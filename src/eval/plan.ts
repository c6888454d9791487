/**
 * Internal to `describeEval`: its options, checked and resolved when the suite is defined, so that a mistake
 * fails the file before any row runs.
 */
import { RubricArgumentError } from '../errors.ts'
import type { TrialSettings } from '../matchers/judge-service.ts'
import { rubricFloors } from '../matchers/score-matchers.ts'
import { assertTrialAggregate, assertTrials } from '../reliability/trials.ts'
import { defaultRubric } from '../rubric/define-rubric.ts'
import type { DescribeEvalOptions, EvalSlice, Row, SampleOptions, Scorer } from '../types.ts'
import { ASSERTION } from './assertion.ts'
import { assertMargin, DEFAULT_BOUNDARY_MARGIN, type FloorOf, resolveSlice } from './boundary.ts'
import { checkScorers } from './run-scorers.ts'

/** A suite's options, checked and resolved when it is defined. */
export interface SuitePlan<T, O> {
  name: string
  task: DescribeEvalOptions<T, O>['task']
  judgeInputs: DescribeEvalOptions<T, O>['judgeInputs']
  rubric: DescribeEvalOptions<T, O>['rubric']
  /** The rubric's dimensions to judge, with their floors, and the trials of each row's judgment. */
  judged: { dimensions: string[]; floors: Record<string, number> } & TrialSettings
  scorers: Scorer<T>[]
  scorerFloors: Record<string, number>
  sample: DescribeEvalOptions<T, O>['sample']
  slice: EvalSlice
  margin: number
  testName: DescribeEvalOptions<T, O>['testName']
  metadata: DescribeEvalOptions<T, O>['metadata']
  knownIssue: DescribeEvalOptions<T, O>['knownIssue']
}

export function planSuite<T, O>(name: string, options: DescribeEvalOptions<T, O>): SuitePlan<T, O> {
  if (typeof name !== 'string' || name.trim() === '') {
    throw new RubricArgumentError(
      "describeEval() needs a suite name first, for example describeEval('refunds', { data, task, rubric }).",
    )
  }
  if (!options || typeof options !== 'object' || options.data === undefined || options.data === null) {
    throw new RubricArgumentError(
      `describeEval('${name}') needs \`data\`: a dataset (\`loadDataset('evals/qa.jsonl')\`) or an array of rows.`,
    )
  }
  for (const key of ['task', 'judgeInputs', 'testName', 'metadata', 'knownIssue'] as const) {
    if (options[key] !== undefined && typeof options[key] !== 'function') {
      throw new RubricArgumentError(`describeEval('${name}'): \`${key}\` must be a function.`)
    }
  }
  const floors = options.floors ?? {}
  const scorerNames = new Set(
    Array.isArray(options.scorers)
      ? options.scorers.map((scorer) => (scorer as { name?: unknown })?.name)
      : [],
  )
  const rubric = options.rubric ?? (options.dimensions ? defaultRubric : undefined)
  const rubricFloorOverrides = Object.fromEntries(
    Object.entries(floors).filter(([key]) => !scorerNames.has(key)),
  )
  if (!rubric && Object.keys(rubricFloorOverrides).length > 0) {
    throw new RubricArgumentError(
      `describeEval('${name}'): \`floors\` names ${Object.keys(rubricFloorOverrides).join(', ')}, which no ` +
        'scorer of the suite is called; pass a `rubric` that has these dimensions, or fix the names.',
    )
  }
  const judged = rubric
    ? rubricFloors(
        rubric,
        {
          ...(options.dimensions === undefined ? {} : { dimensions: options.dimensions }),
          floors: rubricFloorOverrides,
        },
        ASSERTION,
      )
    : { dimensions: [], floors: {} }
  const scorers = checkScorers(options.scorers, name, judged.dimensions) as Scorer<T>[]
  if (!rubric && scorers.length === 0) {
    throw new RubricArgumentError(
      `describeEval('${name}') has nothing to judge the rows with: pass a \`rubric\` (or \`dimensions\` of the ` +
        'built-in rubric), `scorers`, or both.',
    )
  }
  const scorerFloors: Record<string, number> = {}
  for (const scorer of scorers) {
    const floor = floors[scorer.name] ?? scorer.floor ?? 0
    if (typeof floor !== 'number' || Number.isNaN(floor) || floor < 0 || floor > 1) {
      throw new RubricArgumentError(
        `describeEval('${name}'): the floor of scorer "${scorer.name}" is ${String(floor)}; a floor is a score ` +
          'between 0 and 1.',
      )
    }
    scorerFloors[scorer.name] = floor
  }
  const margin = options.boundaryMargin ?? DEFAULT_BOUNDARY_MARGIN
  assertMargin(margin)
  const where = `describeEval('${name}')`
  return {
    name,
    task: options.task,
    judgeInputs: options.judgeInputs,
    rubric,
    judged: {
      ...judged,
      ...(options.trials === undefined ? {} : { trials: assertTrials(options.trials, where) }),
      ...(options.aggregate === undefined
        ? {}
        : { aggregate: assertTrialAggregate(options.aggregate, where) }),
    },
    scorers,
    scorerFloors,
    sample: options.sample,
    slice: resolveSlice(options.slice),
    margin,
    testName: options.testName,
    metadata: options.metadata,
    knownIssue: options.knownIssue,
  }
}

export function toSampleOptions<T>(
  sample: NonNullable<DescribeEvalOptions<T, unknown>['sample']>,
): SampleOptions<Row<T>> {
  const { n, fraction, stratifyBy, always, seed } = sample
  return {
    ...(n === undefined ? {} : { n }),
    ...(fraction === undefined ? {} : { fraction }),
    ...(seed === undefined ? {} : { seed }),
    ...(stratifyBy === undefined
      ? {}
      : {
          stratifyBy: typeof stratifyBy === 'function' ? (row: Row<T>) => stratifyBy(row.data) : stratifyBy,
        }),
    ...(always === undefined ? {} : { always: (row: Row<T>) => always(row.data, row) }),
  }
}

/** The dimensions a row is held to, judged then scored, with their current floors. */
export function floorsOf<T, O>(plan: SuitePlan<T, O>): FloorOf[] {
  return [
    ...plan.judged.dimensions.map((name) => ({ name, floor: plan.judged.floors[name]! })),
    ...plan.scorers.map(({ name }) => ({ name, floor: plan.scorerFloors[name]! })),
  ]
}
