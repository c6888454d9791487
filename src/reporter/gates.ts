/**
 * Internal to the reporter: suite gates, validated when the config loads and checked against the run's
 * per-dimension statistics. Pure.
 */
import { RubricArgumentError } from '../errors.ts'
import { levenshteinDistance } from '../scorers/levenshtein.ts'
import type { DimensionGate, GateBoundOn, GateStatistic, SuiteGates } from '../types.ts'
import type { DimensionStats } from './aggregate.ts'
import type { GateResult, RubricAlert, TaskCostStats } from './schema.ts'
import {
  COST_DIMENSIONS,
  COST_STATISTICS,
  type CostDimension,
  type CostStatistic,
  type CostStats,
} from './task-cost.ts'

/** The statistics a gate on a quality dimension can bound, in the order results are listed. */
export const GATE_STATISTICS = ['mean', 'passRate', 'p10', 'min'] as const satisfies readonly GateStatistic[]

function isCostDimension(dimension: string): dimension is CostDimension {
  return (COST_DIMENSIONS as readonly string[]).includes(dimension)
}

/**
 * Scores are sums of binary fractions: a mean of exactly 0.85 can come out as 0.8499999999999999. A value this
 * close below its bound is taken as reaching it.
 */
const TOLERANCE = 1e-9

/** What a `mean` bound may be checked against (`on`). */
export const GATE_BOUND_ON: readonly GateBoundOn[] = ['mean', 'lower']

/**
 * Checks what a user wrote as gates and returns it typed. Throws a `RubricArgumentError` that names the dimension
 * and statistic at fault: not an object, an unknown statistic, a bound that is not a number in [0, 1].
 *
 * @param where how the option is named in messages
 */
export function validateGates(gates: unknown, where = 'evals({ gates })'): SuiteGates {
  const example = '{ faithfulness: { mean: 0.85, passRate: 0.9 }, safety: { min: 1 } }'
  if (!isPlainObject(gates)) {
    throw new RubricArgumentError(
      `${where} is ${describe(gates)}; write an object keyed by dimension name, for example ${example}.`,
    )
  }
  const valid: SuiteGates = {}
  for (const [dimension, gate] of Object.entries(gates)) {
    if (!isPlainObject(gate)) {
      throw new RubricArgumentError(
        `${where}.${dimension} is ${describe(gate)}; write the bounds of its statistics, for example { mean: 0.85 }.`,
      )
    }
    const statistics = Object.keys(gate).filter((key) => key !== 'on')
    if (statistics.length === 0) {
      throw new RubricArgumentError(
        `${where}.${dimension} bounds no statistic; give at least one of ${GATE_STATISTICS.join(', ')}, or remove it.`,
      )
    }
    valid[dimension] = {}
    if (isCostDimension(dimension)) {
      valid[dimension] = validateCostGate(gate, `${where}.${dimension}`)
      continue
    }
    for (const statistic of statistics) {
      if (!(GATE_STATISTICS as readonly string[]).includes(statistic)) {
        throw new RubricArgumentError(
          `${where}.${dimension} has the unknown statistic "${statistic}"; use ${GATE_STATISTICS.join(', ')}.`,
        )
      }
      const bound = gate[statistic]
      if (typeof bound !== 'number' || !(bound >= 0 && bound <= 1)) {
        throw new RubricArgumentError(
          `${where}.${dimension}.${statistic} is ${describe(bound)}; a bound is a number between 0 and 1 ` +
            `(scores and pass rates are normalised), for example 0.85.`,
        )
      }
      valid[dimension][statistic as GateStatistic] = bound
    }
    if ('on' in gate) {
      const on = gate.on
      if (!(GATE_BOUND_ON as readonly unknown[]).includes(on)) {
        throw new RubricArgumentError(
          `${where}.${dimension}.on is ${describe(on)}; use 'mean' (the mean itself) or 'lower' (the lower end ` +
            `of its 95% interval), for example { mean: 0.8, on: 'lower' }.`,
        )
      }
      if (gate.mean === undefined) {
        throw new RubricArgumentError(
          `${where}.${dimension}.on applies to the mean bound, which is missing; add one, for example ` +
            `{ mean: 0.8, on: 'lower' }, or remove \`on\`.`,
        )
      }
      valid[dimension].on = on as GateBoundOn
    }
  }
  return valid
}

/** The upper bounds of a `latency` or `tokens` gate: known statistics, each a non-negative number. */
function validateCostGate(gate: Record<string, unknown>, where: string): DimensionGate {
  const valid: DimensionGate = {}
  for (const [statistic, bound] of Object.entries(gate)) {
    if (!(COST_STATISTICS as readonly string[]).includes(statistic)) {
      throw new RubricArgumentError(
        `${where} has the unknown statistic "${statistic}"; a task cost is bounded from above by ` +
          `${COST_STATISTICS.join(', ')}, for example { p95: 2000 }.`,
      )
    }
    if (typeof bound !== 'number' || !Number.isFinite(bound) || bound < 0) {
      throw new RubricArgumentError(
        `${where}.${statistic} is ${describe(bound)}; a task cost's bound is a number of milliseconds (latency) ` +
          'or tokens per task, 0 or more, for example 2000.',
      )
    }
    valid[statistic as CostStatistic] = bound
  }
  return valid
}

/**
 * Checks each gate against the run's statistics: passed when the statistic reaches its bound, failed when it is
 * below or undefined (every judgment of the dimension an error). A gate on a dimension the run recorded nothing on
 * is skipped in a filtered run (`filtered` says how it was filtered), and fails in a run of the whole suite: there
 * it is a misspelled or forgotten dimension, which {@link gateAlerts} names with the closest one the run scored.
 * Listed by dimension name, then in {@link GATE_STATISTICS} order.
 */
export function evaluateGates(
  gates: SuiteGates,
  run: readonly DimensionStats[],
  filtered: string | false = false,
  taskCost: TaskCostStats | null = null,
): GateResult[] {
  const stats = new Map(run.map((dimension) => [dimension.dimension, dimension]))
  const results: GateResult[] = []
  for (const dimension of Object.keys(gates).sort(compare)) {
    const gate = gates[dimension] ?? {}
    if (isCostDimension(dimension)) {
      results.push(...evaluateCostGate(dimension, gate, taskCost?.[dimension] ?? null, filtered))
      continue
    }
    const dimensionStats = stats.get(dimension)
    for (const statistic of GATE_STATISTICS) {
      const bound = gate[statistic]
      if (bound === undefined) continue
      if (!dimensionStats) {
        results.push({
          dimension,
          statistic,
          ...(statistic === 'mean' && gate.on === 'lower' ? { on: 'lower' as const } : {}),
          bound,
          value: null,
          status: filtered ? 'skipped' : 'failed',
        })
        continue
      }
      const lower = statistic === 'mean' && gate.on === 'lower'
      const value = lower ? (dimensionStats.meanLow ?? null) : dimensionStats[statistic]
      const passed = value !== null && value >= bound - TOLERANCE
      results.push({
        dimension,
        statistic,
        ...(lower ? { on: 'lower' as const } : {}),
        bound,
        value,
        status: passed ? 'passed' : 'failed',
      })
    }
  }
  return results
}

/**
 * A task cost's upper bounds: passed when the statistic is at most its bound, failed when it is above or when no
 * task reported the cost (skipped in a filtered run).
 */
function evaluateCostGate(
  dimension: CostDimension,
  gate: DimensionGate,
  stats: CostStats | null,
  filtered: string | false,
): GateResult[] {
  return COST_STATISTICS.flatMap((statistic): GateResult[] => {
    const bound = gate[statistic]
    if (bound === undefined) return []
    if (!stats) return [{ dimension, statistic, bound, value: null, status: filtered ? 'skipped' : 'failed' }]
    const value = stats[statistic]
    const passed = value <= bound * (1 + TOLERANCE)
    return [{ dimension, statistic, bound, value, status: passed ? 'passed' : 'failed' }]
  })
}

/**
 * A P0 alert per failed gate, and one per gated dimension that the run (of the whole suite) scored nothing on,
 * naming the closest dimension it did score.
 *
 * @param scored the dimensions the run has records of
 */
export function gateAlerts(results: readonly GateResult[], scored: readonly string[]): RubricAlert[] {
  const alerts: RubricAlert[] = []
  const unscored = new Set<string>()
  for (const result of results) {
    if (result.status !== 'failed') continue
    if (scored.includes(result.dimension) || isCostDimension(result.dimension)) {
      alerts.push({
        tier: 'P0',
        kind: 'gate',
        dimension: result.dimension,
        message: formatGate(result, scored),
      })
    } else if (!unscored.has(result.dimension)) {
      unscored.add(result.dimension)
      alerts.push({
        tier: 'P0',
        kind: 'gate',
        dimension: result.dimension,
        message: unscoredGate(result.dimension, scored),
      })
    }
  }
  return alerts
}

/**
 * One gate as a line: `faithfulness mean 0.812 < 0.850` (failed), `faithfulness mean 0.912 >= 0.850` (passed),
 * `faithfulness mean (95% lower end) 0.781 < 0.800`, `faithfulness mean (95% lower end): no interval (fewer than
 * 2 scores) < 0.800`,
 * `safety min: no scores (every judgment is an error) < 1.000`, `tone mean: not scored in this filtered run
 * (skipped)`, and, given the dimensions the run scored, `faithfullness mean: no test of this run scored it`.
 */
export function formatGate(result: GateResult, scored?: readonly string[]): string {
  const name = `${result.dimension} ${result.statistic}${result.on === 'lower' ? ' (95% lower end)' : ''}`
  if (result.status === 'skipped') return `${name}: not scored in this filtered run (skipped)`
  if (isCostDimension(result.dimension)) {
    const unit = result.dimension === 'latency' ? ' ms' : ' tokens'
    if (result.value === null) {
      return `${name}: no describeEval task of this run reported it > ${result.bound}${unit}`
    }
    const sign = result.status === 'passed' ? '<=' : '>'
    return `${name} ${Math.round(result.value)}${unit} ${sign} ${result.bound}${unit} (per task)`
  }
  if (result.value === null && scored && !scored.includes(result.dimension)) {
    return `${name}: no test of this run scored it < ${fixed(result.bound)}`
  }
  if (result.value === null && result.on === 'lower') {
    return `${name}: no interval (fewer than 2 scores) < ${fixed(result.bound)}`
  }
  if (result.value === null) return `${name}: no scores (every judgment is an error) < ${fixed(result.bound)}`
  const sign = result.status === 'passed' ? '>=' : '<'
  return `${name} ${fixed(result.value)} ${sign} ${fixed(result.bound)}`
}

/**
 * Why a gate on a dimension that a whole run never scored fails: most often a misspelled name, so the closest
 * dimension the run did score is suggested.
 */
function unscoredGate(dimension: string, scored: readonly string[]): string {
  const closest = closestName(dimension, scored)
  const known =
    scored.length === 0 ? 'it scored no dimension' : `it scored ${[...scored].sort(compare).join(', ')}`
  return (
    `gate on "${dimension}": no rubric, check or scorer of this run scored a dimension of that name ` +
    `(${known}). ${closest ? `Did you mean "${closest}"? ` : ''}Fix the dimension's name in evals({ gates }), or ` +
    'remove the gate. Only a filtered run (a -t pattern, file filters, a watch re-run) skips a gate it cannot check.'
  )
}

/** The name at the smallest edit distance, when it is close enough to be a misspelling (a third of the letters). */
function closestName(name: string, candidates: readonly string[]): string | undefined {
  let best: { candidate: string; distance: number } | undefined
  for (const candidate of candidates) {
    const distance = levenshteinDistance(name.toLowerCase(), candidate.toLowerCase())
    if (!best || distance < best.distance) best = { candidate, distance }
  }
  return best && best.distance <= Math.max(2, Math.ceil(name.length / 3)) ? best.candidate : undefined
}

function fixed(value: number): string {
  return value.toFixed(3)
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
}

function describe(value: unknown): string {
  if (value === undefined) return 'undefined'
  if (typeof value === 'string') return JSON.stringify(value)
  if (typeof value === 'number' || typeof value === 'boolean' || value === null) return String(value)
  return Array.isArray(value) ? 'an array' : typeof value
}

function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0
}
