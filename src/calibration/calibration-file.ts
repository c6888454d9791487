/**
 * Internal to calibration: the files `.vitest-rubric/calibration/<judge id>.json`, written by `calibrate` and read
 * by the reporter.
 */
import { readdir, readFile } from 'node:fs/promises'
import { join } from 'node:path'
import { z } from 'zod'
import { RubricError } from '../errors.ts'
import type { JudgeCalibration } from '../types.ts'
import { writeFileAtomic } from '../util/atomic-write.ts'
import { stableStringify } from '../util/hash.ts'

export const DEFAULT_CALIBRATION_DIR = '.vitest-rubric/calibration'

const maybe = z.number().nullable()
const estimate = z.object({ value: maybe, low: maybe, high: maybe })

/**
 * What the reporter needs of a calibration file; the rest of a dimension's statistics is read as it is, so a
 * later version that adds statistics stays readable.
 */
const calibrationFileSchema = z.object({
  // Version 1 files kept a calibration per judge and rubric; their dimensions have no definition id, so the
  // reporter shows them as stale until the judge is calibrated again.
  schemaVersion: z.union([z.literal(1), z.literal(2)]),
  judge: z.looseObject({ id: z.string(), name: z.string(), model: z.string().nullable() }),
  rubric: z.looseObject({ id: z.string(), name: z.string() }),
  calibratedAt: z.string(),
  dimensions: z.record(
    z.string(),
    z.looseObject({
      n: z.number(),
      errors: z.number(),
      spearman: estimate,
      calibratedAt: z.string(),
      definitionId: z.string().optional(),
    }),
  ),
})

/** The file of a judge's calibration: `<dir>/<judge id>.json`, the id its records carry. */
export function calibrationFilePath(dir: string, judgeId: string): string {
  return join(dir, `${judgeId}.json`)
}

/**
 * Writes the calibration, keeping from the file already there the dimensions this run did not measure (each keeps
 * the definition it was measured for). Atomic: a reader sees the old file or the new one.
 */
export async function writeCalibration(
  file: string,
  calibration: JudgeCalibration,
): Promise<JudgeCalibration> {
  const previous = await readCalibrationFile(file).catch(() => undefined)
  const merged: JudgeCalibration = {
    ...calibration,
    dimensions: { ...previous?.dimensions, ...calibration.dimensions },
  }
  await writeFileAtomic(file, `${stableStringify(merged, 2)}\n`)
  return merged
}

/** Reads and checks one calibration file. */
export async function readCalibrationFile(file: string): Promise<JudgeCalibration> {
  const text = await readFile(file, 'utf8')
  let data: unknown
  try {
    data = JSON.parse(text)
  } catch (error) {
    throw new CalibrationFileError(file, (error as Error).message, error)
  }
  const parsed = calibrationFileSchema.safeParse(data)
  if (!parsed.success) throw new CalibrationFileError(file, z.prettifyError(parsed.error))
  return data as JudgeCalibration
}

/** Every calibration in `dir` (none when it does not exist), with the files that could not be read. */
export async function readCalibrations(
  dir: string,
): Promise<{ calibrations: JudgeCalibration[]; problems: CalibrationFileError[] }> {
  let names: string[]
  try {
    names = (await readdir(dir)).filter((name) => name.endsWith('.json')).sort()
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return { calibrations: [], problems: [] }
    throw error
  }
  const calibrations: JudgeCalibration[] = []
  const problems: CalibrationFileError[] = []
  for (const name of names) {
    try {
      calibrations.push(await readCalibrationFile(join(dir, name)))
    } catch (error) {
      if (error instanceof CalibrationFileError) problems.push(error)
      else throw error
    }
  }
  return { calibrations, problems }
}

/** A calibration file that is not valid JSON or not a calibration. */
export class CalibrationFileError extends RubricError {
  constructor(
    readonly file: string,
    detail: string,
    cause?: unknown,
  ) {
    super(
      'RUBRIC_CALIBRATION_FILE',
      `the calibration file ${file} cannot be read: ${detail}. Mend it (often a merge conflict), or delete it and ` +
        'run `vitest-rubric calibrate` again.',
      cause === undefined ? undefined : { cause },
    )
    this.name = 'CalibrationFileError'
  }
}
