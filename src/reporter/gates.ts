/**
 * Internal to the reporter: suite gates, validated when the config loads and checked against the run's
 * per-dimension statistics. Pure.
 */
import { RubricArgumentError } from '../errors.ts'
import type { GateStatistic, SuiteGates } from '../types.ts'
import type { DimensionStats } from './aggregate.ts'
import type { GateResult, RubricAlert } from './schema.ts'

/** The statistics a gate can bound, in the order results are listed. */
export const GATE_STATISTICS: readonly GateStatistic[] = ['mean', 'passRate', 'p10', 'min']

/**
 * Scores are sums of binary fractions: a mean of exactly 0.85 can come out as 0.8499999999999999. A value this
 * close below its bound is taken as reaching it.
 */
const TOLERANCE = 1e-9

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
    const statistics = Object.keys(gate)
    if (statistics.length === 0) {
      throw new RubricArgumentError(
        `${where}.${dimension} bounds no statistic; give at least one of ${GATE_STATISTICS.join(', ')}, or remove it.`,
      )
    }
    valid[dimension] = {}
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
  }
  return valid
}

/**
 * Checks each gate against the run's statistics: passed when the statistic reaches its bound, failed when it is
 * below or undefined (every judgment of the dimension an error), skipped when the run has no record of the
 * dimension at all (a filtered run). Listed by dimension name, then in {@link GATE_STATISTICS} order.
 */
export function evaluateGates(gates: SuiteGates, run: readonly DimensionStats[]): GateResult[] {
  const stats = new Map(run.map((dimension) => [dimension.dimension, dimension]))
  const results: GateResult[] = []
  for (const dimension of Object.keys(gates).sort(compare)) {
    const gate = gates[dimension] ?? {}
    const dimensionStats = stats.get(dimension)
    for (const statistic of GATE_STATISTICS) {
      const bound = gate[statistic]
      if (bound === undefined) continue
      if (!dimensionStats) {
        results.push({ dimension, statistic, bound, value: null, status: 'skipped' })
        continue
      }
      const value = dimensionStats[statistic]
      const passed = value !== null && value >= bound - TOLERANCE
      results.push({ dimension, statistic, bound, value, status: passed ? 'passed' : 'failed' })
    }
  }
  return results
}

/** A P0 alert per failed gate. */
export function gateAlerts(results: readonly GateResult[]): RubricAlert[] {
  return results
    .filter((result) => result.status === 'failed')
    .map((result) => ({ tier: 'P0', kind: 'gate', dimension: result.dimension, message: formatGate(result) }))
}

/**
 * One gate as a line: `faithfulness mean 0.812 < 0.850` (failed), `faithfulness mean 0.912 >= 0.850` (passed),
 * `safety min: no scores (all 2 judgments are errors) < 1.000`, `tone mean: not scored in this run (skipped)`.
 */
export function formatGate(result: GateResult): string {
  const name = `${result.dimension} ${result.statistic}`
  if (result.status === 'skipped') return `${name}: not scored in this run (skipped)`
  if (result.value === null) return `${name}: no scores (every judgment is an error) < ${fixed(result.bound)}`
  const sign = result.status === 'passed' ? '>=' : '<'
  return `${name} ${fixed(result.value)} ${sign} ${fixed(result.bound)}`
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
