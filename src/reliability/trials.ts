/**
 * Internal: repeated trials of one judgment. Pure: which store identity each trial has, how trials combine into
 * one judgment, and when a dimension's trials are unstable (on both sides of its floor).
 */
import { RubricArgumentError } from '../errors.ts'
import { mean, quantile } from '../stats/descriptive.ts'
import type { DimensionScore, Judge, Judgment, TrialAggregate, UnstablePolicy } from '../types.ts'
import { contentHash } from '../util/hash.ts'

export const TRIAL_AGGREGATES: readonly TrialAggregate[] = ['mean', 'median', 'min']
export const UNSTABLE_POLICIES: readonly UnstablePolicy[] = ['fail', 'warn', 'pass']

/** `trials` as given, checked: an integer of at least 1. */
export function assertTrials(trials: unknown, where: string): number {
  if (typeof trials !== 'number' || !Number.isInteger(trials) || trials < 1) {
    throw new RubricArgumentError(
      `${where}: \`trials\` is ${JSON.stringify(trials)}; it must be a whole number of at least 1 ` +
        '(each trial is one judge call), for example { trials: 3 }.',
    )
  }
  return trials
}

/** `aggregate` as given, checked. */
export function assertTrialAggregate(aggregate: unknown, where: string): TrialAggregate {
  if (!TRIAL_AGGREGATES.includes(aggregate as TrialAggregate)) {
    throw new RubricArgumentError(
      `${where}: \`aggregate\` is ${JSON.stringify(aggregate)}; use one of ${TRIAL_AGGREGATES.map((a) => `'${a}'`).join(', ')}.`,
    )
  }
  return aggregate as TrialAggregate
}

/**
 * The judge of trial `index`: the judge itself for the first trial, so that a judgment stored before trials
 * were asked for is trial 0, and the same calls under an identity per index otherwise, so that the store keeps
 * each trial apart and raising `trials` calls only the new ones.
 */
export function trialJudge(judge: Judge, index: number): Judge {
  if (index === 0) return judge
  return {
    id: contentHash({ judge: judge.id, trial: index }),
    name: judge.name,
    ...(judge.model === undefined ? {} : { model: judge.model }),
    judge: (request) => judge.judge(request),
  }
}

/** The id of a judgment combined from trials: its judge's, the number of trials and how they combine. */
export function trialsJudgeId(judgeId: string, trials: number, aggregate: TrialAggregate): string {
  return trials === 1 ? judgeId : contentHash({ judge: judgeId, trials, aggregate })
}

function combine(scores: readonly number[], aggregate: TrialAggregate): number {
  if (aggregate === 'min') return Math.min(...scores)
  if (aggregate === 'median') return quantile(scores, 0.5)
  return mean(scores)
}

/**
 * One judgment from the trials' judgments: per dimension the aggregate of the trials' scores, with every
 * trial's score kept in `trials`. A trial that failed makes the whole judgment an error (an error is never a
 * score); the trials that did answer are stored, so the next run calls only the failed one. Tokens, cost and
 * retries add up over the trials.
 */
export function combineTrials(
  trials: readonly Judgment[],
  dimensions: readonly string[],
  aggregate: TrialAggregate,
): Judgment {
  const first = trials[0]
  if (!first) throw new RubricArgumentError('combineTrials() needs at least one trial.')
  if (trials.length === 1) return first
  const tokens = sumTokens(trials)
  const costs = trials.filter((trial) => trial.costUsd !== undefined)
  const retries = trials.reduce((sum, trial) => sum + (trial.retries ?? 0), 0)
  const note = trials.find((trial) => trial.note)?.note
  const shared = {
    judgeId: trialsJudgeId(first.judgeId, trials.length, aggregate),
    judgeName: first.judgeName,
    ...(first.model === undefined ? {} : { model: first.model }),
    rubricId: first.rubricId,
    ...(tokens ? { tokens } : {}),
    ...(costs.length > 0 ? { costUsd: costs.reduce((sum, trial) => sum + (trial.costUsd ?? 0), 0) } : {}),
    ...(retries > 0 ? { retries } : {}),
    ...(note ? { note } : {}),
    latencyMs: Math.max(...trials.map((trial) => trial.latencyMs)),
    source: trials.some((trial) => trial.source === 'live') ? ('live' as const) : ('stored' as const),
  }
  const failed = trials.findIndex((trial) => trial.error !== undefined)
  if (failed >= 0) {
    const error = trials[failed]!.error!
    return {
      ...shared,
      scores: {},
      error: { ...error, message: `trial ${failed + 1} of ${trials.length}: ${error.message}` },
    }
  }
  const scores: Record<string, DimensionScore> = {}
  const trialScores: Record<string, number[]> = {}
  for (const dimension of dimensions) {
    const scored = trials.map((trial) => trial.scores[dimension])
    if (scored.some((score) => score === undefined)) continue
    const values = scored.map((score) => score!.score)
    const value = combine(values, aggregate)
    // The reason shown is that of the trial nearest the aggregate.
    const nearest = scored.reduce((best, score) =>
      Math.abs(score!.score - value) < Math.abs(best!.score - value) ? score : best,
    )!
    scores[dimension] = { score: value, reason: nearest.reason }
    trialScores[dimension] = values
  }
  return { ...shared, scores, trials: trialScores }
}

/** Whether `scores` fall on both sides of `floor`: some trials reach it and some do not. */
export function isUnstable(scores: readonly number[] | undefined, floor: number): boolean {
  if (!scores || scores.length < 2) return false
  return scores.some((score) => score >= floor) && scores.some((score) => score < floor)
}

/** The mean distance between a dimension's highest and lowest trial. */
export function trialSpread(scores: readonly number[]): number {
  return scores.length === 0 ? 0 : Math.max(...scores) - Math.min(...scores)
}

function sumTokens(trials: readonly Judgment[]): Judgment['tokens'] {
  const used = trials.filter((trial) => trial.tokens)
  if (used.length === 0) return undefined
  const total = { prompt: 0, completion: 0, total: 0 }
  for (const { tokens } of used) {
    total.prompt += tokens!.prompt
    total.completion += tokens!.completion
    total.total += tokens!.total
  }
  return total
}
