/**
 * Internal to `describeEval`: runs the deterministic scorers of a row. A scorer that throws, or returns anything
 * but a score in [0, 1], gives an error outcome: an error is never a score.
 */
import { RubricArgumentError } from '../errors.ts'
import type { JudgmentError, Scorer, ScorerContext } from '../types.ts'

/** What a scorer made of one output: a score, or an error (never a score). */
export interface ScorerOutcome {
  name: string
  /** The scorer's `version`, part of its id in records. */
  version: string | number
  score: number | null
  floor: number
  reason: string
  error?: JudgmentError
  latencyMs: number
}

/** Checks the scorers when the suite is defined, so that a typo fails before any row runs. */
export function checkScorers(scorers: unknown, suite: string, taken: readonly string[]): Scorer<never>[] {
  if (scorers === undefined) return []
  if (!Array.isArray(scorers)) {
    throw new RubricArgumentError(
      `describeEval('${suite}'): \`scorers\` is not an array. Pass a list such as ` +
        '`[{ name: "rougeL", score: (output, { reference }) => rougeL(output, reference ?? "") }]`.',
    )
  }
  const names = new Set(taken)
  return scorers.map((scorer: unknown, index) => {
    const candidate = scorer as Partial<Scorer<never>> | null
    if (!candidate || typeof candidate.name !== 'string' || candidate.name === '') {
      throw new RubricArgumentError(
        `describeEval('${suite}'): scorer ${index + 1} has no \`name\`; a scorer is ` +
          '`{ name, score(output, context) }`, and its name is the dimension its scores are reported under.',
      )
    }
    if (typeof candidate.score !== 'function') {
      throw new RubricArgumentError(
        `describeEval('${suite}'): scorer "${candidate.name}" has no \`score\` function; give it ` +
          '`score(output, context)` returning a number in [0, 1] or `{ score, reason }`.',
      )
    }
    if (names.has(candidate.name)) {
      throw new RubricArgumentError(
        `describeEval('${suite}'): the dimension "${candidate.name}" is named twice (by the rubric or another ` +
          'scorer); give each scorer a distinct name.',
      )
    }
    names.add(candidate.name)
    return candidate as Scorer<never>
  })
}

/** Runs every scorer on one output, each timed, in order. */
export async function runScorers<T>(
  scorers: readonly Scorer<T>[],
  floors: Readonly<Record<string, number>>,
  output: string,
  context: ScorerContext<T>,
): Promise<ScorerOutcome[]> {
  const outcomes: ScorerOutcome[] = []
  for (const scorer of scorers) {
    const floor = floors[scorer.name] ?? 0
    const started = performance.now()
    let returned: unknown
    try {
      returned = await scorer.score(output, context)
    } catch (error) {
      outcomes.push(failed(scorer, floor, started, error instanceof Error ? error.message : String(error)))
      continue
    }
    const score = typeof returned === 'number' ? returned : (returned as { score?: unknown } | null)?.score
    const reason =
      typeof returned === 'object' ? (returned as { reason?: unknown } | null)?.reason : undefined
    if (typeof score !== 'number' || Number.isNaN(score) || score < 0 || score > 1) {
      outcomes.push(
        failed(
          scorer,
          floor,
          started,
          `returned ${describeReturn(returned)}; a scorer returns a number in [0, 1] or { score, reason }`,
        ),
      )
      continue
    }
    outcomes.push({
      name: scorer.name,
      version: scorer.version ?? '1',
      score,
      floor,
      reason:
        typeof reason === 'string' && reason !== '' ? reason : `${scorer.name} scored ${score.toFixed(2)}`,
      latencyMs: performance.now() - started,
    })
  }
  return outcomes
}

function failed(
  scorer: Pick<Scorer, 'name' | 'version'>,
  floor: number,
  started: number,
  message: string,
): ScorerOutcome {
  const name = scorer.name
  return {
    name,
    version: scorer.version ?? '1',
    score: null,
    floor,
    reason: `scorer ${name} failed: ${message}`,
    error: { code: 'RUBRIC_SCORER_FAILED', message: `scorer ${name} failed: ${message}` },
    latencyMs: performance.now() - started,
  }
}

function describeReturn(value: unknown): string {
  if (value === undefined) return 'undefined'
  try {
    return JSON.stringify(value) ?? String(value)
  } catch {
    return String(value)
  }
}
