/**
 * Internal to calibration: what the reporter says of each dimension's judge (calibrated with its measured
 * agreement, stale, or uncalibrated) and the calibration gate. Pure: the files are read by the caller.
 */

import type { z } from 'zod'
import { RubricArgumentError } from '../errors.ts'
import type { calibrationCellSchema } from '../reporter/schema.ts'
import type { CalibrationGateOptions, JudgeCalibration } from '../types.ts'

/** A judge that scored a dimension in the run, as its records name it. */
export interface JudgeUse {
  dimension: string
  /** The judge's id, the name of its calibration file. */
  judgeId: string
  /** The id of the dimension's definition; absent on records made before it was recorded. */
  definitionId?: string | undefined
  judgeName: string
  model?: string | undefined
}

/** The calibration of one judge on one dimension. */
export type CalibrationStatus =
  | {
      state: 'calibrated'
      judgeName: string
      /** Spearman's rho with the human scores; `null` when it was undefined. */
      spearman: number | null
      n: number
      calibratedAt: string
    }
  /**
   * A calibration exists for this dimension's name by the same judge (or one of the same name and model under
   * another id), but for another definition or another version of the judge.
   */
  | { state: 'stale'; judgeName: string; calibratedAt: string }
  | { state: 'uncalibrated'; judgeName: string }

/** A table cell: the text and how it should look. */
export type CalibrationCell = z.output<typeof calibrationCellSchema>

/** A broken calibration gate, shaped like the reporter's other P0 alerts. */
export interface CalibrationAlert {
  tier: 'P0'
  kind: 'gate'
  dimension: string
  message: string
}

/**
 * The calibration status of every judge on every dimension it scored, by dimension, judges in the order they
 * first appear. A calibration holds for its judge id and the dimension definition it measured, in whichever rubric
 * the definition is used. One of the same dimension name for another definition, or by a judge of the same name
 * and model under another id (its version, server or prompt changed since), makes the status stale.
 */
export function calibrationStatuses(
  uses: readonly JudgeUse[],
  calibrations: readonly JudgeCalibration[],
): Map<string, CalibrationStatus[]> {
  const byId = new Map(calibrations.map((calibration) => [calibration.judge.id, calibration]))
  const seen = new Set<string>()
  const statuses = new Map<string, CalibrationStatus[]>()
  for (const use of uses) {
    const key = JSON.stringify([use.dimension, use.judgeId, use.definitionId ?? null])
    if (seen.has(key)) continue
    seen.add(key)
    const list = statuses.get(use.dimension) ?? []
    statuses.set(use.dimension, list)
    const measured = byId.get(use.judgeId)?.dimensions[use.dimension]
    if (measured && use.definitionId !== undefined && measured.definitionId === use.definitionId) {
      list.push({
        state: 'calibrated',
        judgeName: use.judgeName,
        spearman: measured.spearman.value,
        n: measured.n,
        calibratedAt: measured.calibratedAt,
      })
      continue
    }
    const older = calibrations
      .filter(
        (calibration) =>
          (calibration.judge.id === use.judgeId ||
            (calibration.judge.name === use.judgeName && calibration.judge.model === (use.model ?? null))) &&
          calibration.dimensions[use.dimension] !== undefined,
      )
      .map((calibration) => calibration.dimensions[use.dimension]!.calibratedAt)
      .sort()
    const last = older.at(-1)
    list.push(
      last === undefined
        ? { state: 'uncalibrated', judgeName: use.judgeName }
        : { state: 'stale', judgeName: use.judgeName, calibratedAt: last },
    )
  }
  return statuses
}

/** `ρ 0.47 (n 235)`, `stale` or `uncalibrated`; several judges' statuses joined. */
export function calibrationCell(
  statuses: readonly CalibrationStatus[],
  minSpearman?: number,
): CalibrationCell {
  const texts = statuses.map((status) =>
    status.state === 'calibrated' ? `ρ ${fixed(status.spearman, 2)} (n ${status.n})` : status.state,
  )
  const weak = (status: CalibrationStatus) =>
    status.state === 'calibrated' && minSpearman !== undefined && !reaches(status.spearman, minSpearman)
  const tone: CalibrationCell['tone'] = statuses.some((status) => status.state === 'uncalibrated')
    ? 'uncalibrated'
    : statuses.some((status) => status.state === 'stale')
      ? 'stale'
      : statuses.some(weak)
        ? 'weak'
        : 'ok'
  return { text: texts.join(', ') || '-', tone }
}

/**
 * A P0 alert for each dimension whose judge is uncalibrated, stale, or agrees with people at a Spearman below
 * `minSpearman` (an undefined Spearman does not reach any bound).
 */
export function calibrationAlerts(
  statuses: ReadonlyMap<string, readonly CalibrationStatus[]>,
  minSpearman: number,
): CalibrationAlert[] {
  const alerts: CalibrationAlert[] = []
  const bound = fixed(minSpearman, 3)
  for (const dimension of [...statuses.keys()].sort()) {
    for (const status of statuses.get(dimension) ?? []) {
      const head = `${dimension} calibration: ${status.judgeName}`
      let message: string | undefined
      if (status.state === 'calibrated') {
        if (!reaches(status.spearman, minSpearman)) {
          message = `${head} Spearman ${status.spearman === null ? 'undefined' : fixed(status.spearman, 3)} (n ${status.n}) < ${bound}`
        }
      } else if (status.state === 'stale') {
        message =
          `${head} is stale (calibrated ${status.calibratedAt.slice(0, 10)} for another version of the judge or of the ` +
          `dimension's definition), Spearman unknown < ${bound}; run \`vitest-rubric calibrate\` again`
      } else {
        message = `${head} is uncalibrated, Spearman unknown < ${bound}; run \`vitest-rubric calibrate --dimensions ${dimension}\``
      }
      if (message) alerts.push({ tier: 'P0', kind: 'gate', dimension, message })
    }
  }
  return alerts
}

/** Checks `evals({ calibration })`; throws naming the option at fault. */
export function validateCalibrationGate(
  value: unknown,
  where = 'evals({ calibration })',
): CalibrationGateOptions {
  if (value === undefined) return {}
  if (value === null || typeof value !== 'object' || Array.isArray(value)) {
    throw new RubricArgumentError(
      `${where} is ${JSON.stringify(value)}; write an object, for example { minSpearman: 0.4 }.`,
    )
  }
  const { minSpearman, dir, ...rest } = value as CalibrationGateOptions & Record<string, unknown>
  const unknown = Object.keys(rest)
  if (unknown.length > 0) {
    throw new RubricArgumentError(`${where} has the unknown option "${unknown[0]}"; use minSpearman and dir.`)
  }
  if (
    minSpearman !== undefined &&
    !(typeof minSpearman === 'number' && minSpearman >= -1 && minSpearman <= 1)
  ) {
    throw new RubricArgumentError(
      `${where}.minSpearman is ${JSON.stringify(minSpearman)}; give a correlation between -1 and 1, for example 0.4.`,
    )
  }
  if (dir !== undefined && (typeof dir !== 'string' || dir.trim() === '')) {
    throw new RubricArgumentError(
      `${where}.dir is ${JSON.stringify(dir)}; give the directory of the calibration files relative to the Vitest root.`,
    )
  }
  return { ...(minSpearman === undefined ? {} : { minSpearman }), ...(dir === undefined ? {} : { dir }) }
}

/** Correlations are sums of binary fractions: a value this close below its bound is taken as reaching it. */
function reaches(value: number | null, bound: number): boolean {
  return value !== null && value >= bound - 1e-9
}

function fixed(value: number | null, digits: number): string {
  return value === null ? '-' : value.toFixed(digits)
}
