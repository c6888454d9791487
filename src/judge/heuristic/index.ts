import { preferenceScore } from '../../reliability/pairwise.ts'
import { isBuiltinDimension, isConversationDimension } from '../../rubric/builtin.ts'
import { normalizeScore } from '../../rubric/define-rubric.ts'
import type {
  BuiltinDimensionName,
  ConversationDimensionName,
  DimensionScore,
  Judge,
  JudgeRequest,
  Judgment,
  JudgmentError,
  RubricScale,
} from '../../types.ts'
import { scoreCoherence } from './coherence.ts'
import { scoreCompleteness } from './completeness.ts'
import { scoreConciseness } from './conciseness.ts'
import { conversationInput, scoreGoalCompletion, scoreToolUse, unscorable } from './conversation.ts'
import { HEURISTIC_JUDGE_ID, HEURISTIC_JUDGE_NAME } from './identity.ts'
import type { MethodInput, MethodResult } from './method.ts'
import { scoreRelevance } from './overlap.ts'
import { scoreSafety } from './safety.ts'
import { scoreFaithfulness } from './support.ts'
import { scoreTone } from './tone.ts'

/**
 * The heuristic judge: the offline default. Deterministic text methods, one per built-in dimension; no key,
 * no network. Internal: users reach it with `judge: 'heuristic'`.
 */

export { HEURISTIC_JUDGE_NAME } from './identity.ts'

const METHODS: Readonly<
  Record<BuiltinDimensionName | ConversationDimensionName, (input: MethodInput) => MethodResult>
> = {
  faithfulness: scoreFaithfulness,
  relevance: scoreRelevance,
  completeness: scoreCompleteness,
  coherence: scoreCoherence,
  safety: scoreSafety,
  tone: scoreTone,
  conciseness: scoreConciseness,
  goalCompletion: scoreGoalCompletion,
  toolUse: scoreToolUse,
  knowledgeRetention: unscorable(
    'knowledgeRetention',
    'whether a question was already answered needs reading',
  ),
  roleAdherence: unscorable('roleAdherence', 'whether the system prompt was kept needs reading'),
}

const SUPPORTED = Object.keys(METHODS).join(', ')

/** Creates the offline heuristic judge. */
export function createHeuristicJudge(): Judge {
  const id = HEURISTIC_JUDGE_ID
  return {
    id,
    name: HEURISTIC_JUDGE_NAME,
    async judge(request: JudgeRequest): Promise<Judgment> {
      const started = performance.now()
      const { scores, error } = request.comparison ? compareAll(request) : judgeAll(request)
      const judgment: Judgment = {
        judgeId: id,
        judgeName: HEURISTIC_JUDGE_NAME,
        rubricId: request.rubric.id,
        scores: error ? {} : scores,
        latencyMs: performance.now() - started,
        source: 'live',
      }
      if (error) judgment.error = error
      return judgment
    },
  }
}

function judgeAll(request: JudgeRequest): { scores: Record<string, DimensionScore>; error?: JudgmentError } {
  const input = methodInput(request)
  const scores: Record<string, DimensionScore> = {}
  const unsupported: string[] = []
  const missing: string[] = []
  const cannot: string[] = []
  for (const name of request.dimensions) {
    const dimension = request.rubric.dimensions[name]
    if (!dimension) {
      const known = Object.keys(request.rubric.dimensions).join(', ')
      return {
        scores,
        error: {
          code: 'RUBRIC_UNKNOWN_DIMENSION',
          message: `unknown dimension "${name}" in rubric "${request.rubric.name}". Known dimensions: ${known}. Use one of them, or add the dimension to the rubric with defineRubric().`,
        },
      }
    }
    const method = dimension.heuristic ?? name
    if (!isBuiltinDimension(method) && !isConversationDimension(method)) {
      unsupported.push(name)
      continue
    }
    const result = METHODS[method](input)
    if ('missing' in result && result.missing === 'llm judge') cannot.push(result.reason)
    else if ('missing' in result) missing.push(result.reason)
    else scores[name] = onScale(result.score, result.reason, request.rubric.scale)
  }
  if (unsupported.length > 0) {
    const names = unsupported.map((name) => `"${name}"`).join(', ')
    return {
      scores,
      error: {
        code: 'RUBRIC_HEURISTIC_UNSUPPORTED',
        message:
          `the heuristic judge has no method for ${unsupported.length === 1 ? 'dimension' : 'dimensions'} ${names}; ` +
          `it scores ${SUPPORTED}. Set \`heuristic: '<builtin>'\` on the dimension to score it like one of them ` +
          `(for example \`heuristic: 'relevance'\`), or use an LLM judge: evals({ judge: { model: 'gpt-4.1-mini' } }).`,
      },
    }
  }
  if (cannot.length > 0) {
    return { scores, error: { code: 'RUBRIC_HEURISTIC_UNSUPPORTED', message: `${cannot.join('; ')}.` } }
  }
  if (missing.length > 0) {
    return { scores, error: { code: 'RUBRIC_HEURISTIC_MISSING_FIELD', message: `${missing.join('; ')}.` } }
  }
  return { scores }
}

/**
 * A comparison: each output scored on its own, the higher score preferred, equal scores a tie. The scores do not
 * depend on the order the outputs are shown in, so neither do the preferences: this judge is never
 * position-biased.
 */
function compareAll(request: JudgeRequest): {
  scores: Record<string, DimensionScore>
  error?: JudgmentError
} {
  const { comparison, ...single } = request
  const a = judgeAll(single)
  if (a.error) return a
  const b = judgeAll({ ...single, output: comparison?.outputB ?? '' })
  if (b.error) return b
  const { scale } = request.rubric
  const scores: Record<string, DimensionScore> = {}
  for (const name of request.dimensions) {
    const scoreA = a.scores[name]!
    const scoreB = b.scores[name]!
    const preference = scoreA.score > scoreB.score ? 'A' : scoreA.score < scoreB.score ? 'B' : 'tie'
    const range = `/${scale.max}`
    scores[name] = {
      score: preferenceScore(preference),
      reason: `A scores ${scoreA.raw}${range} (${scoreA.reason}); B scores ${scoreB.raw}${range} (${scoreB.reason}).`,
      preference,
    }
  }
  return { scores }
}

function methodInput(request: JudgeRequest): MethodInput {
  if (request.conversation) return conversationInput(request)
  const input: MethodInput = { output: request.output }
  if (request.input !== undefined) input.input = request.input
  if (request.context !== undefined) input.context = request.context
  if (request.reference !== undefined) input.reference = request.reference
  return input
}

/**
 * Puts a method's score on the rubric's integer scale, as an LLM judge would answer, and normalises it back,
 * so that `raw` and `score` agree.
 */
function onScale(score: number, reason: string, scale: RubricScale): DimensionScore {
  const bounded = Number.isFinite(score) ? Math.min(1, Math.max(0, score)) : 0
  const raw = Math.round(scale.min + bounded * (scale.max - scale.min))
  return { score: normalizeScore(raw, scale), raw, reason }
}
