/**
 * Internal to calibration: what the reporter shows and checks of the judges' calibration for a run. Reads the
 * calibration files; the decisions are in status.ts.
 */
import { relative, resolve } from 'node:path'
import type { Held } from '../reporter/record-spool.ts'
import type { CalibrationGateOptions, RubricRecord } from '../types.ts'
import { DEFAULT_CALIBRATION_DIR, readCalibrations } from './calibration-file.ts'
import {
  type CalibrationAlert,
  type CalibrationCell,
  calibrationAlerts,
  calibrationCell,
  calibrationStatuses,
  type JudgeUse,
} from './status.ts'

export interface RunCalibration {
  /**
   * The `calibration` column by dimension; `undefined` (no column) when the project has no calibration file and
   * sets no calibration gate, so projects that never calibrate see no column of "uncalibrated".
   */
  cells: Map<string, CalibrationCell> | undefined
  /** Broken calibration gates (P0). */
  alerts: CalibrationAlert[]
  /** Calibration files that could not be read, one line each. */
  notes: string[]
}

/** Reads `<root>/<dir>/*.json` and gives the run's calibration column, gate alerts and notes. */
export async function runCalibration(
  root: string,
  records: readonly Held<RubricRecord>[],
  options: CalibrationGateOptions = {},
): Promise<RunCalibration> {
  const dir = resolve(root, options.dir ?? DEFAULT_CALIBRATION_DIR)
  const { calibrations, problems } = await readCalibrations(dir)
  const notes = problems.map(
    (problem) => ` calibration ${problem.message.replace(problem.file, relative(root, problem.file))}`,
  )
  if (calibrations.length === 0 && options.minSpearman === undefined)
    return { cells: undefined, alerts: [], notes }
  const uses: JudgeUse[] = records
    .filter((record) => record.kind === 'judgment')
    .map((record) => ({
      dimension: record.dimension,
      judgeId: record.judgeId,
      definitionId: record.definitionId,
      judgeName: record.judgeName,
      model: record.model,
    }))
  const statuses = calibrationStatuses(uses, calibrations)
  const cells = new Map(
    [...statuses].map(([dimension, list]) => [dimension, calibrationCell(list, options.minSpearman)]),
  )
  const alerts = options.minSpearman === undefined ? [] : calibrationAlerts(statuses, options.minSpearman)
  return { cells, alerts, notes }
}
