import { describe, expect, test } from 'vitest'
import {
  calibrationAlerts,
  calibrationCell,
  calibrationStatuses,
  type JudgeUse,
  validateCalibrationGate,
} from '../src/calibration/status.ts'
import type { DimensionCalibration, JudgeCalibration } from '../src/types.ts'

function calibration(
  id: string,
  name: string,
  model: string | null,
  dimensions: Record<string, { spearman: number | null; n: number; definitionId?: string }>,
  calibratedAt = '2025-06-01T10:00:00.000Z',
): JudgeCalibration {
  return {
    schemaVersion: 2,
    judge: { id, name, model },
    rubric: { id: 'rubric', name: 'r', scale: { min: 1, max: 5 } },
    dataset: { name: 'set', hash: 'h', files: ['set.jsonl'], rows: 10 },
    calibratedAt,
    bootstrap: { resamples: 2000, seed: 1, level: 0.95 },
    dimensions: Object.fromEntries(
      Object.entries(dimensions).map(([dimension, { spearman, n, definitionId }]) => [
        dimension,
        {
          n,
          definitionId: definitionId ?? definition(dimension),
          spearman: { value: spearman, low: null, high: null },
          calibratedAt,
        } as unknown as DimensionCalibration,
      ]),
    ),
  }
}

/** The definition id the tests give a dimension unless they say otherwise. */
const definition = (dimension: string) => `${dimension}-definition`

/** A judge use; `model: null` for a judge without a model (the heuristic judge). */
const use = (
  dimension: string,
  judgeId: string,
  judgeName = 'gpt-4.1-mini',
  model: string | null = judgeName,
  definitionId: string | undefined = definition(dimension),
): JudgeUse => ({
  dimension,
  judgeId,
  judgeName,
  model: model ?? undefined,
  definitionId,
})

describe('calibrationStatuses', () => {
  const files = [
    calibration('current', 'gpt-4.1-mini', 'gpt-4.1-mini', { faithfulness: { spearman: 0.47, n: 235 } }),
    calibration(
      'older',
      'gpt-4.1-mini',
      'gpt-4.1-mini',
      { relevance: { spearman: 0.6, n: 80 } },
      '2025-05-01T00:00:00Z',
    ),
    calibration(
      'oldest',
      'gpt-4.1-mini',
      'gpt-4.1-mini',
      { relevance: { spearman: 0.5, n: 80 } },
      '2025-04-01T00:00:00Z',
    ),
    calibration('heuristic-old', 'heuristic@1 (offline)', null, { coherence: { spearman: 0.2, n: 360 } }),
  ]

  test('a file for the judge id gives the measured agreement; another id of the same judge is stale', () => {
    const uses: JudgeUse[] = [
      use('faithfulness', 'current'),
      use('faithfulness', 'current'),
      use('relevance', 'current'),
      use('tone', 'current'),
      use('coherence', 'heuristic-new', 'heuristic@1 (offline)', null),
      use('coherence', 'other', 'claude', 'claude'),
    ]
    const statuses = calibrationStatuses(uses, files)
    expect(Object.fromEntries(statuses)).toEqual({
      faithfulness: [
        {
          state: 'calibrated',
          judgeName: 'gpt-4.1-mini',
          spearman: 0.47,
          n: 235,
          calibratedAt: '2025-06-01T10:00:00.000Z',
        },
      ],
      // The latest calibration of an earlier version is named.
      relevance: [{ state: 'stale', judgeName: 'gpt-4.1-mini', calibratedAt: '2025-05-01T00:00:00Z' }],
      tone: [{ state: 'uncalibrated', judgeName: 'gpt-4.1-mini' }],
      coherence: [
        { state: 'stale', judgeName: 'heuristic@1 (offline)', calibratedAt: '2025-06-01T10:00:00.000Z' },
        { state: 'uncalibrated', judgeName: 'claude' },
      ],
    })
    expect(calibrationCell(statuses.get('faithfulness')!)).toEqual({ text: 'ρ 0.47 (n 235)', tone: 'ok' })
    expect(calibrationCell(statuses.get('faithfulness')!, 0.5)).toEqual({
      text: 'ρ 0.47 (n 235)',
      tone: 'weak',
    })
    expect(calibrationCell(statuses.get('relevance')!)).toEqual({ text: 'stale', tone: 'stale' })
    expect(calibrationCell(statuses.get('coherence')!)).toEqual({
      text: 'stale, uncalibrated',
      tone: 'uncalibrated',
    })
  })

  test("a calibration holds for the judge and the dimension's definition; another definition is stale", () => {
    const statuses = calibrationStatuses(
      [
        use('faithfulness', 'current'),
        use('faithfulness', 'current', 'gpt-4.1-mini', 'gpt-4.1-mini', 'edited-faithfulness'),
        // A record made before records carried their definition.
        { dimension: 'faithfulness', judgeId: 'current', judgeName: 'gpt-4.1-mini', model: 'gpt-4.1-mini' },
      ],
      files,
    )
    expect(statuses.get('faithfulness')).toEqual([
      {
        state: 'calibrated',
        judgeName: 'gpt-4.1-mini',
        spearman: 0.47,
        n: 235,
        calibratedAt: '2025-06-01T10:00:00.000Z',
      },
      { state: 'stale', judgeName: 'gpt-4.1-mini', calibratedAt: '2025-06-01T10:00:00.000Z' },
      { state: 'stale', judgeName: 'gpt-4.1-mini', calibratedAt: '2025-06-01T10:00:00.000Z' },
    ])
  })

  test('the same name with another model is another judge, not a stale one', () => {
    const statuses = calibrationStatuses([use('faithfulness', 'x', 'gpt-4.1-mini', 'gpt-4.1')], files)
    expect(statuses.get('faithfulness')).toEqual([{ state: 'uncalibrated', judgeName: 'gpt-4.1-mini' }])
  })
})

describe('calibrationAlerts', () => {
  test('fails uncalibrated, stale, undefined and weak judges, naming dimension, value and bound', () => {
    const files = [
      calibration('a', 'judge', 'judge', {
        faithfulness: { spearman: 0.47, n: 235 },
        relevance: { spearman: 0.31, n: 360 },
      }),
      calibration('b', 'judge', 'judge', { tone: { spearman: 0.9, n: 10 } }),
    ]
    const statuses = calibrationStatuses(
      ['faithfulness', 'relevance', 'tone', 'safety'].map((dimension) => use(dimension, 'a', 'judge')),
      files,
    )
    expect(calibrationAlerts(statuses, 0.4)).toEqual([
      {
        tier: 'P0',
        kind: 'gate',
        dimension: 'relevance',
        message: 'relevance calibration: judge Spearman 0.310 (n 360) < 0.400',
      },
      {
        tier: 'P0',
        kind: 'gate',
        dimension: 'safety',
        message:
          'safety calibration: judge is uncalibrated, Spearman unknown < 0.400; run `vitest-rubric calibrate --dimensions safety`',
      },
      {
        tier: 'P0',
        kind: 'gate',
        dimension: 'tone',
        message:
          'tone calibration: judge is stale (calibrated 2025-06-01 for another version of the judge or of the ' +
          "dimension's definition), " +
          'Spearman unknown < 0.400; run `vitest-rubric calibrate` again',
      },
    ])
    const undefinedSpearman = calibrationStatuses(
      [use('coherence', 'c', 'judge')],
      [calibration('c', 'judge', 'judge', { coherence: { spearman: null, n: 12 } })],
    )
    expect(calibrationAlerts(undefinedSpearman, 0.4)[0]?.message).toBe(
      'coherence calibration: judge Spearman undefined (n 12) < 0.400',
    )
    expect(calibrationAlerts(statuses, -1)).toHaveLength(2)
  })
})

test('validateCalibrationGate checks the option', () => {
  expect(validateCalibrationGate(undefined)).toEqual({})
  expect(validateCalibrationGate({ minSpearman: 0.4, dir: 'calibration' })).toEqual({
    minSpearman: 0.4,
    dir: 'calibration',
  })
  expect(() => validateCalibrationGate({ minSpearman: 2 })).toThrow(
    'evals({ calibration }).minSpearman is 2; give a correlation between -1 and 1, for example 0.4.',
  )
  expect(() => validateCalibrationGate({ minPearson: 0.4 })).toThrow('unknown option "minPearson"')
  expect(() => validateCalibrationGate(0.4)).toThrow('write an object, for example { minSpearman: 0.4 }')
  expect(() => validateCalibrationGate({ dir: '' })).toThrow('evals({ calibration }).dir')
})
