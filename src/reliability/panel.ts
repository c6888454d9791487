/**
 * Internal: judge panels. A panel is a judge made of member judges and an aggregate: each member judges the
 * output (each through the judgment store on its own, so adding a member calls only it), and the panel's score
 * per dimension combines the members that answered, if at least `quorum` did; otherwise the judgment is an error.
 */
import { RubricArgumentError } from '../errors.ts'
import { mean, quantile } from '../stats/descriptive.ts'
import type {
  DimensionScore,
  Judge,
  JudgeOption,
  JudgeRequest,
  Judgment,
  PanelAggregate,
  PanelJudgeOptions,
} from '../types.ts'
import { contentHash } from '../util/hash.ts'

export const PANEL_AGGREGATES: readonly PanelAggregate[] = ['mean', 'median', 'majority']

/** Whether a judge option is a panel. */
export function isPanel(option: JudgeOption | undefined): option is PanelJudgeOptions {
  return typeof option === 'object' && option !== null && 'panel' in option
}

/** A panel's options, checked: members, aggregate and quorum. Returns the quorum it will hold. */
export function assertPanel(option: PanelJudgeOptions, where: string): number {
  const members = option.panel
  if (!Array.isArray(members) || members.length === 0) {
    throw new RubricArgumentError(
      `${where}: the judge panel is empty; list its members, for example { panel: [{ model: 'gpt-4.1-mini' }, ` +
        "{ model: 'claude-sonnet-4', baseURL: '...' }] }.",
    )
  }
  if (option.aggregate !== undefined && !PANEL_AGGREGATES.includes(option.aggregate)) {
    throw new RubricArgumentError(
      `${where}: the panel's \`aggregate\` is ${JSON.stringify(option.aggregate)}; use 'mean', 'median' or 'majority'.`,
    )
  }
  const quorum = option.quorum ?? Math.floor(members.length / 2) + 1
  if (!Number.isInteger(quorum) || quorum < 1 || quorum > members.length) {
    throw new RubricArgumentError(
      `${where}: the panel's \`quorum\` is ${JSON.stringify(option.quorum)}, but it has ${members.length} ` +
        `member${members.length === 1 ? '' : 's'}; give a whole number from 1 to ${members.length}, or leave it out ` +
        'for a majority.',
    )
  }
  return quorum
}

/** How a panel is shown: its members' names. */
export function panelName(members: readonly Pick<Judge, 'name'>[]): string {
  return `panel(${members.map((member) => member.name).join(', ')})`
}

/** A panel's id: its members' ids, in order, and its aggregate and quorum. */
export function panelId(
  members: readonly Pick<Judge, 'id'>[],
  aggregate: PanelAggregate,
  quorum: number,
): string {
  return contentHash({ panel: members.map((member) => member.id), aggregate, quorum })
}

/** A judge made of members: what the judge service needs to judge each member on its own. */
export interface PanelJudge extends Judge {
  readonly members: readonly Judge[]
  /** The panel's judgment from its members' (in member order). */
  combine(judgments: readonly Judgment[], request: Pick<JudgeRequest, 'dimensions' | 'rubric'>): Judgment
}

export function isPanelJudge(judge: Judge): judge is PanelJudge {
  return Array.isArray((judge as Partial<PanelJudge>).members)
}

/** A panel over member judges; its own `judge` calls every member at once (as calibration does). */
export function createPanelJudge(members: readonly Judge[], option: PanelJudgeOptions): PanelJudge {
  const quorum = assertPanel(option, 'the judge panel')
  const aggregate = option.aggregate ?? 'mean'
  const id = panelId(members, aggregate, quorum)
  const name = panelName(members)
  const combine: PanelJudge['combine'] = (judgments, request) =>
    combinePanel(judgments, request, { id, name, aggregate, quorum, members })
  return {
    id,
    name,
    members,
    combine,
    judge: async (request) =>
      combine(await Promise.all(members.map((member) => member.judge(request))), request),
  }
}

function combine(scores: readonly number[], aggregate: PanelAggregate): number {
  if (aggregate === 'median') return quantile(scores, 0.5)
  if (aggregate === 'majority') {
    // The score most members gave; a tie between scores goes to their mean.
    const counts = new Map<number, number>()
    for (const score of scores) counts.set(score, (counts.get(score) ?? 0) + 1)
    const most = Math.max(...counts.values())
    return mean([...counts].filter(([, count]) => count === most).map(([score]) => score))
  }
  return mean(scores)
}

/**
 * The panel's judgment: per dimension the aggregate of the members that answered, each member's verdict kept
 * in `members`, a note naming each member that failed; an error judgment when fewer than `quorum` answered.
 */
export function combinePanel(
  judgments: readonly Judgment[],
  request: Pick<JudgeRequest, 'dimensions' | 'rubric'>,
  panel: {
    id: string
    name: string
    aggregate: PanelAggregate
    quorum: number
    members: readonly Pick<Judge, 'name'>[]
  },
): Judgment {
  const answered = judgments.filter((judgment) => !judgment.error)
  const failed = judgments.flatMap((judgment, index) =>
    judgment.error ? [`${panel.members[index]?.name ?? judgment.judgeName} (${judgment.error.message})`] : [],
  )
  const tokens = judgments.some((judgment) => judgment.tokens)
    ? judgments.reduce(
        (sum, judgment) => ({
          prompt: sum.prompt + (judgment.tokens?.prompt ?? 0),
          completion: sum.completion + (judgment.tokens?.completion ?? 0),
          total: sum.total + (judgment.tokens?.total ?? 0),
        }),
        { prompt: 0, completion: 0, total: 0 },
      )
    : undefined
  const priced = judgments.filter((judgment) => judgment.costUsd !== undefined)
  const retries = judgments.reduce((sum, judgment) => sum + (judgment.retries ?? 0), 0)
  const shared = {
    judgeId: contentHash({ judge: panel.id, rubric: request.rubric.id }),
    judgeName: panel.name,
    rubricId: request.rubric.id,
    ...(tokens ? { tokens } : {}),
    ...(priced.length > 0
      ? { costUsd: priced.reduce((sum, judgment) => sum + (judgment.costUsd ?? 0), 0) }
      : {}),
    ...(retries > 0 ? { retries } : {}),
    latencyMs: Math.max(0, ...judgments.map((judgment) => judgment.latencyMs)),
    source: judgments.some((judgment) => judgment.source === 'live')
      ? ('live' as const)
      : ('stored' as const),
    members: judgments.map((judgment, index) => ({
      name: panel.members[index]?.name ?? judgment.judgeName,
      judgeId: judgment.judgeId,
      scores: Object.fromEntries(Object.entries(judgment.scores).map(([d, scored]) => [d, scored.score])),
      ...(judgment.error ? { error: judgment.error.message } : {}),
    })),
    ...(failed.length > 0 ? { note: `panel member failed: ${failed.join('; ')}` } : {}),
  }
  if (answered.length < panel.quorum) {
    return {
      ...shared,
      scores: {},
      error: {
        code: 'RUBRIC_PANEL_QUORUM',
        message:
          `only ${answered.length} of ${judgments.length} members of ${panel.name} answered, below its quorum of ` +
          `${panel.quorum}: ${failed.join('; ')}. Fix the failing members, or lower \`quorum\`.`,
      },
    }
  }
  const scores: Record<string, DimensionScore> = {}
  for (const dimension of request.dimensions) {
    const scored = answered.flatMap((judgment) => {
      const score = judgment.scores[dimension]
      return score ? [score] : []
    })
    if (scored.length < panel.quorum) continue
    const value = combine(
      scored.map((score) => score.score),
      panel.aggregate,
    )
    const nearest = scored.reduce((best, score) =>
      Math.abs(score.score - value) < Math.abs(best.score - value) ? score : best,
    )
    scores[dimension] = { score: value, reason: nearest.reason }
  }
  return { ...shared, scores }
}
