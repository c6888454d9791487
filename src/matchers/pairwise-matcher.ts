import type { MatcherState } from 'vitest'
import { IdenticalPairError, JudgeFailureError, RubricArgumentError } from '../errors.ts'
import { errorOfCause } from '../judge/judgment-error.ts'
import { appendRecords, type RecordDraft } from '../record/append.ts'
import type { PairOrderVerdict } from '../record/schema.ts'
import {
  combineOrders,
  normalizedForComparison,
  outcomeScore,
  PAIR_ORDERS,
  type PairOrder,
  type PairVerdict,
} from '../reliability/pairwise.ts'
import { isPanelJudge } from '../reliability/panel.ts'
import { assertTrials } from '../reliability/trials.ts'
import { isConversationDimension } from '../rubric/builtin.ts'
import { defaultRubric, dimensionDefinitionId } from '../rubric/define-rubric.ts'
import { canonicalTranscript } from '../transcript/canonical.ts'
import { renderTranscript } from '../transcript/render.ts'
import { isConversation } from '../transcript/to-transcript.ts'
import type { JudgeRequest, Judgment, TokenUsage } from '../types.ts'
import { type AwaitGuard, abandonedOutcome } from './await-guard.ts'
import { receivedTranscript } from './conversation-output.ts'
import {
  currentJudge,
  judgeOutput,
  judgeTrials,
  type ServedJudgment,
  withStoreRefs,
} from './judge-service.ts'
import { judgedMaterial, outputToText } from './judged-text.ts'
import { shareOfTokens } from './record.ts'
import { assertRubric, rubricFloors } from './score-matchers.ts'
import type { PreferenceMatchOptions } from './types.ts'
import { undecidedMessage } from './undecided.ts'

const NAME = 'toBePreferredOver'

/**
 * `await expect(candidate).toBePreferredOver(baseline, options)`, registered by the setup file: the judge compares
 * the outputs in both orders (two calls at once, each through the store and the run's limits) and the candidate
 * must win on every dimension (with `allowTie`, at least tie).
 */
export async function toBePreferredOver(
  state: MatcherState,
  guard: AwaitGuard,
  received: unknown,
  baseline: unknown,
  options: PreferenceMatchOptions = {},
) {
  const isNot = state.isNot === true
  const rubric = options.rubric ?? defaultRubric
  assertRubric(rubric, NAME)
  const { dimensions } = rubricFloors(rubric, options, NAME)
  const conversational = dimensions.filter(isConversationDimension)
  if (conversational.length > 0) {
    throw new RubricArgumentError(
      `${NAME}() compares two outputs as text, but ${conversational.join(', ')} judges the structure of one ` +
        'conversation. Compare on other dimensions, or score each conversation with toScoreAtLeast().',
    )
  }
  const allowTie = options.allowTie ?? false
  if (typeof allowTie !== 'boolean') {
    throw new RubricArgumentError(`${NAME}() option \`allowTie\` is ${String(allowTie)}; pass true or false.`)
  }
  assertOneTrial(options.trials)
  if (isPanelJudge(currentJudge())) {
    throw new RubricArgumentError(
      `${NAME}() is not supported with a judge panel: a panel combines scores, not preferences. Compare with a ` +
        'single judge (a project of its own with `evals({ judge: { model } })`).',
    )
  }
  const candidateText = pairText(received, 'the candidate')
  const baselineText = pairText(baseline, 'the baseline')
  if (normalizedForComparison(candidateText) === normalizedForComparison(baselineText)) {
    throw new IdenticalPairError(NAME)
  }
  const base = { rubric, dimensions, ...judgedMaterial(options, NAME) }
  const requests: JudgeRequest[] = [
    { ...base, output: candidateText, comparison: { outputB: baselineText } },
    { ...base, output: baselineText, comparison: { outputB: candidateText } },
  ]
  const task = state.task
  const file = task?.file.filepath ?? state.testPath
  let served: ServedJudgment[]
  try {
    served = await Promise.all(
      requests.map((request) => judgeOutput({ ...request, signal: guard.signal }, file, { trials: 1 })),
    )
  } finally {
    guard.settle()
  }
  if (guard.abandoned) return abandonedOutcome(isNot)
  const judgments = served.map((part) => part.judgment)
  const verdicts = pairVerdicts(judgments, dimensions)
  const passed = verdicts
    ? dimensions.every((d) => verdicts[d]!.outcome === 'win' || (allowTie && verdicts[d]!.outcome === 'tie'))
    : null
  if (task) {
    const assertionPassed = passed === null ? null : passed !== isNot
    appendRecords(
      task,
      pairwiseDrafts(base, candidateText, baselineText, served, verdicts, allowTie, assertionPassed),
    )
  }
  const failed = judgments.find((judgment) => judgment.error) ?? (verdicts ? undefined : judgments[0]!)
  if (failed || !verdicts || passed === null) {
    const error = failed?.error
    throw new JudgeFailureError(
      error?.code ?? 'RUBRIC_JUDGE_INCOMPLETE',
      undecidedMessage(
        task,
        `${NAME}() could not be decided: the judge ${judgments[0]!.judgeName} failed to compare the outputs on ` +
          `${dimensions.join(', ')}.\n${error?.message ?? 'its verdict has no preference for every dimension'}`,
      ),
      {
        status: error?.status,
        requestId: error?.requestId,
        ...(error?.cause ? { cause: errorOfCause(error.cause) } : {}),
      },
    )
  }
  return {
    pass: passed,
    message: () => preferenceMessage(dimensions, verdicts, judgments, allowTie, isNot),
    actual: Object.fromEntries(dimensions.map((d) => [d, verdicts[d]!.outcome])),
    expected: Object.fromEntries(dimensions.map((d) => [d, allowTie ? 'win or tie' : 'win'])),
  }
}

/** Refuses more than one trial: a comparison is judged once in each order. */
function assertOneTrial(option: number | undefined): void {
  const trials = option === undefined ? judgeTrials() : assertTrials(option, `${NAME}()`)
  if (trials === 1) return
  throw new RubricArgumentError(
    `${NAME}() judges a comparison once in each order (two calls), and does not take trials; ` +
      `${option === undefined ? `the judge has \`trials: ${trials}\`` : `\`trials\` is ${trials}`}. ` +
      `Pass { trials: 1 } to compare with this judge; the two orders already show whether the verdict holds.`,
  )
}

/** An output of the pair as the judge reads it: text as it is, a conversation as its rendered transcript. */
function pairText(value: unknown, which: string): string {
  if (typeof value !== 'string' && isConversation(value)) {
    return renderTranscript(canonicalTranscript(receivedTranscript(value, NAME)))
  }
  if (value === undefined) {
    throw new RubricArgumentError(
      `${NAME}() received no ${which.replace('the ', '')}: write \`await expect(candidate).${NAME}(baseline, options)\` ` +
        'with the output of the version under test and the output of the version it replaces.',
    )
  }
  return outputToText(value, NAME)
}

/** Each dimension's verdict over both orders, or `undefined` when a call failed or left a dimension out. */
function pairVerdicts(
  judgments: readonly Judgment[],
  dimensions: readonly string[],
): Record<string, PairVerdict> | undefined {
  const [first, second] = judgments
  if (!first || !second || first.error || second.error) return undefined
  const verdicts: Record<string, PairVerdict> = {}
  for (const dimension of dimensions) {
    const a = first.scores[dimension]?.preference
    const b = second.scores[dimension]?.preference
    if (a === undefined || b === undefined) return undefined
    verdicts[dimension] = combineOrders(a, b)
  }
  return verdicts
}

/** One record per dimension, keeping both orders' verdicts; with a failed call, one error record per dimension. */
function pairwiseDrafts(
  request: Pick<JudgeRequest, 'rubric' | 'dimensions' | 'input'>,
  candidate: string,
  baseline: string,
  served: readonly ServedJudgment[],
  verdicts: Record<string, PairVerdict> | undefined,
  allowTie: boolean,
  assertionPassed: boolean | null,
): RecordDraft[] {
  const { rubric, dimensions } = request
  const judgments = served.map((part) => part.judgment)
  const first = judgments[0]!
  const error = judgments.find((judgment) => judgment.error)?.error
  const { store } = withStoreRefs(error ? { ...first, error } : first, served)
  const tokens = judgments.reduce<TokenUsage | undefined>(
    (sum, { tokens: used }) =>
      used === undefined
        ? sum
        : {
            prompt: (sum?.prompt ?? 0) + used.prompt,
            completion: (sum?.completion ?? 0) + used.completion,
            total: (sum?.total ?? 0) + used.total,
          },
    undefined,
  )
  const costUsd = judgments.reduce<number | undefined>(
    (sum, judgment) => (judgment.costUsd === undefined ? sum : (sum ?? 0) + judgment.costUsd),
    undefined,
  )
  const retries = judgments.reduce((sum, judgment) => sum + (judgment.retries ?? 0), 0)
  const floor = allowTie ? 0.5 : 1
  const parts = dimensions.length
  return dimensions.map((dimension, index): RecordDraft => {
    const verdict = verdicts?.[dimension]
    const orders = PAIR_ORDERS.map((order, at) => orderVerdict(order, judgments[at]!, dimension))
    const score = verdict ? outcomeScore(verdict.outcome) : null
    return {
      kind: 'pairwise',
      assertion: NAME,
      dimension,
      score,
      floor,
      pass: score === null ? null : score >= floor,
      assertionPassed,
      reason: verdict
        ? verdictSummary(verdict, orders)
        : (error?.message ?? 'the judge returned no preference'),
      judgeId: first.judgeId,
      judgeName: first.judgeName,
      ...(first.model === undefined ? {} : { model: first.model }),
      rubricId: rubric.id,
      definitionId: dimensionDefinitionId(rubric, dimension),
      ...(verdict ? { outcome: verdict.outcome, consistent: verdict.consistent } : {}),
      orders,
      baseline,
      ...(tokens ? { tokens: shareOfTokens(tokens, parts, index) } : {}),
      ...(costUsd === undefined ? {} : { costUsd: costUsd / parts }),
      ...(retries > 0 ? { retries } : {}),
      // The orders are judged at once: the comparison took as long as the slower.
      latencyMs: Math.round(Math.max(...judgments.map((judgment) => judgment.latencyMs))),
      source: judgments.some((judgment) => judgment.source === 'live') ? 'live' : 'stored',
      ...(error ? { error } : {}),
      ...(store ? { store } : {}),
      ...(served.every((part) => part.shared) ? { shared: true as const } : {}),
      output: candidate,
      ...(request.input === undefined ? {} : { input: request.input }),
    }
  })
}

/** What the judge said of one dimension in one order. */
function orderVerdict(order: PairOrder, judgment: Judgment, dimension: string): PairOrderVerdict {
  const scored = judgment.error ? undefined : judgment.scores[dimension]
  return {
    order,
    preference: scored?.preference ?? null,
    reason:
      scored?.reason ?? judgment.error?.message ?? 'the judge returned no preference for this dimension',
  }
}

/** How the judge's preference in one order reads for the candidate: `A (the candidate)`. */
function preferenceLabel(verdict: PairOrderVerdict): string {
  if (verdict.preference === null) return 'no verdict'
  if (verdict.preference === 'tie') return 'tie'
  const candidate = verdict.order === 'candidate-first' ? 'A' : 'B'
  return `${verdict.preference} (the ${verdict.preference === candidate ? 'candidate' : 'baseline'})`
}

const ORDER_LABELS: Record<PairOrder, string> = {
  'candidate-first': 'candidate as A',
  'baseline-first': 'baseline as A',
}

/** A record's reason: the outcome and what each order preferred. */
function verdictSummary(verdict: PairVerdict, orders: readonly PairOrderVerdict[]): string {
  const said = orders.map((order) => `${ORDER_LABELS[order.order]}: ${preferenceLabel(order)}`).join('; ')
  return `${verdict.outcome}${verdict.consistent ? '' : ' (position-biased)'}. ${said}`
}

/** The failure message: each dimension's outcome, what the judge preferred in both orders, and why. */
function preferenceMessage(
  dimensions: readonly string[],
  verdicts: Record<string, PairVerdict>,
  judgments: readonly Judgment[],
  allowTie: boolean,
  isNot: boolean,
): string {
  const judge = judgments[0]!.judgeName
  const lines = [
    isNot
      ? `expected the output not to be preferred over the baseline, but it won on every dimension (judge ${judge}):`
      : `expected the output to be preferred over the baseline on ${dimensions.join(', ')}${allowTie ? ' (a tie allowed)' : ''}, ` +
        `but it was not (judge ${judge}, both orders):`,
  ]
  for (const dimension of dimensions) {
    const verdict = verdicts[dimension]!
    const biased = verdict.consistent ? '' : ' (position-biased: the preference changed with the order)'
    lines.push(`  ${dimension}: ${verdict.outcome}${biased}`)
    PAIR_ORDERS.forEach((order, at) => {
      const said = orderVerdict(order, judgments[at]!, dimension)
      lines.push(`    ${ORDER_LABELS[order]}: ${preferenceLabel(said)}. ${said.reason}`)
    })
  }
  return lines.join('\n')
}
