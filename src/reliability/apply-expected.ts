/**
 * Internal to the LLM judge: turns the sampled scores of a verdict into probability-weighted ones, or says why
 * it could not.
 */
import { normalizeScore } from '../rubric/define-rubric.ts'
import type { DimensionScore, JudgeRequest } from '../types.ts'
import { expectedScore, scoreSpans, spelled, type TokenLogprob } from './expected-score.ts'

/** The `logprobs.content` of a chat completion's choice, or `null` when the server sent none. */
export type CallLogprobs = readonly TokenLogprob[] | null

/**
 * Each dimension's score as the expectation over the scale, with its distribution. When the server sent no
 * log-probabilities (or ones that do not spell the verdict), the sampled scores stay, with a note that names the
 * server and model: never a silent change of meaning.
 */
export function applyExpectedScores(
  sampled: Record<string, DimensionScore>,
  content: string,
  logprobs: CallLogprobs,
  request: Pick<JudgeRequest, 'dimensions' | 'rubric'>,
  judge: { model: string; server: string },
): { scores: Record<string, DimensionScore>; note?: string } {
  const { scale } = request.rubric
  const fallback = (why: string) => ({
    scores: sampled,
    note:
      `scoring 'expected': the judge server ${judge.server} ${why} for model "${judge.model}", so its scores are ` +
      "the sampled integers. Use a server and model that return logprobs, or scoring: 'sample'.",
  })
  if (!logprobs || logprobs.length === 0) return fallback('returned no log-probabilities')
  if (spelled(logprobs) !== content)
    return fallback('returned log-probabilities that do not spell the verdict')
  const spans = scoreSpans(content, request.dimensions)
  const scores: Record<string, DimensionScore> = {}
  for (const dimension of request.dimensions) {
    const span = spans.get(dimension)
    const scored = span && expectedScore(logprobs, content, span, scale)
    if (!scored) return fallback(`returned no log-probabilities of scale values at the score of ${dimension}`)
    scores[dimension] = {
      ...sampled[dimension]!,
      score: normalizeScore(scored.expected, scale),
      raw: scored.expected,
      distribution: scored.distribution,
    }
  }
  return { scores }
}
