/**
 * Type tests of `calibrate()`, the calibration row schema and `evals({ calibration })`.
 */
import { describe, expectTypeOf, test } from 'vitest'
import {
  type CalibrateOptions,
  type CalibrationResult,
  type CalibrationRow,
  calibrate,
  type DimensionCalibration,
} from 'vitest-rubric'
import type { EvalsOptions } from 'vitest-rubric/config'
import type { calibrationRowSchema } from 'vitest-rubric/dataset'
import type { z } from 'zod'

describe('calibrate', () => {
  test('takes the set, the judge (an option or a judge) and resolves to the calibration', () => {
    expectTypeOf(
      calibrate({ data: 'fixtures/calibration/*.jsonl' }),
    ).resolves.toEqualTypeOf<CalibrationResult>()
    expectTypeOf(calibrate).toBeCallableWith({
      data: ['a.jsonl'],
      judge: { model: 'gpt-4.1-mini' },
      store: 'record',
    })
    expectTypeOf(calibrate).toBeCallableWith({
      data: 'a.jsonl',
      judge: 'heuristic',
      outputDir: false,
    })
    expectTypeOf<CalibrateOptions['scale']>().toEqualTypeOf<
      { min: number; max: number } | Record<string, { min: number; max: number }> | undefined
    >()
    // @ts-expect-error the set is required
    calibrate({ dimensions: ['faithfulness'] })
  })

  test('statistics are numbers, or null where undefined', () => {
    expectTypeOf<DimensionCalibration['spearman']['value']>().toEqualTypeOf<number | null>()
    expectTypeOf<CalibrationResult['calibration']['dimensions']>().toEqualTypeOf<
      Record<string, DimensionCalibration>
    >()
  })

  test('the row schema reads calibration rows', () => {
    expectTypeOf<z.output<typeof calibrationRowSchema>>().toExtend<CalibrationRow>()
  })

  test('evals({ calibration }) takes a Spearman bound', () => {
    expectTypeOf<EvalsOptions['calibration']>().toEqualTypeOf<
      { minSpearman?: number; dir?: string } | undefined
    >()
  })
})
