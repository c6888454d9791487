import { cpSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { describe, expect, test } from 'vitest'
import { calibrate } from '../src/calibration/calibrate.ts'
import { readCalibrationFile } from '../src/calibration/calibration-file.ts'
import { parseScaleOption } from '../src/calibration/load-set.ts'
import { DatasetRowError } from '../src/dataset/errors.ts'
import { RubricArgumentError } from '../src/errors.ts'
import { createHeuristicJudge } from '../src/judge/heuristic/index.ts'
import { dimensions } from '../src/rubric/builtin.ts'
import { defaultRubric, defineRubric, dimensionDefinitionId } from '../src/rubric/define-rubric.ts'
import type { Judge, JudgeCalibration } from '../src/types.ts'
import { fixture } from './support/run-vitest.ts'

const bootstrap = { resamples: 200 }

/** A temporary project holding the example calibration set. */
function project(): string {
  const root = mkdtempSync(join(tmpdir(), 'vitest-rubric-calibration-'))
  mkdirSync(join(root, 'calibration'))
  cpSync(
    fixture('calibration', 'examples', 'support-answers.jsonl'),
    join(root, 'calibration', 'support.jsonl'),
  )
  return root
}

function writeRows(root: string, name: string, rows: unknown[]): void {
  writeFileSync(join(root, name), `${rows.map((row) => JSON.stringify(row)).join('\n')}\n`)
}

describe('calibrate', () => {
  test('measures every dimension the rows score and writes the file the reporter reads', async () => {
    const root = project()
    const result = await calibrate({ data: 'calibration/*.jsonl', cwd: root, bootstrap })
    const judgeId = createHeuristicJudge().id
    expect(result.file).toBe(`.vitest-rubric/calibration/${judgeId}.json`)
    expect(result.calls).toEqual({ live: 12, stored: 0, errors: 0 })
    const { calibration } = result
    expect(calibration.judge).toEqual({
      id: judgeId,
      name: 'heuristic@1 (offline)',
      model: null,
    })
    expect(calibration.rubric).toEqual({
      id: defaultRubric.id,
      name: defaultRubric.name,
      scale: { min: 1, max: 5 },
    })
    expect(calibration.dataset).toMatchObject({
      name: 'support',
      files: ['calibration/support.jsonl'],
      rows: 12,
    })
    expect(calibration.dataset.hash).toMatch(/^[0-9a-f]{16}$/)
    expect(Object.keys(calibration.dimensions)).toEqual(['faithfulness', 'relevance'])
    const faithfulness = calibration.dimensions.faithfulness!
    expect(faithfulness).toMatchObject({ n: 12, errors: 0, floor: 0.6, files: [] })
    expect(faithfulness.spearman.value).toBeGreaterThan(0.5)
    expect(faithfulness.spearman.low).toBeLessThan(faithfulness.spearman.value!)
    expect(faithfulness.grouped).toMatchObject({ groups: 4, rows: 12 })
    expect(faithfulness.annotators).toMatchObject({ annotators: 3, rows: 12 })
    expect(calibration.dimensions.relevance?.annotators?.annotators).toBe(3)

    const written = await readCalibrationFile(join(root, result.file!))
    expect(written).toEqual(JSON.parse(JSON.stringify(calibration)))
  })

  test('judges through the store beside the data: a second run calls no judge', async () => {
    const root = project()
    let calls = 0
    const heuristic = createHeuristicJudge()
    const counting: Judge = {
      ...heuristic,
      judge: (request) => {
        calls++
        return heuristic.judge(request)
      },
    }
    const first = await calibrate({
      data: 'calibration/*.jsonl',
      cwd: root,
      judge: counting,
      store: 'auto',
      bootstrap,
    })
    expect(calls).toBe(12)
    const store = JSON.parse(readFileSync(join(root, 'calibration/__judgments__/support.jsonl.json'), 'utf8'))
    expect(Object.keys(store.judgments)).toHaveLength(12)

    const second = await calibrate({
      data: 'calibration/*.jsonl',
      cwd: root,
      judge: counting,
      store: 'auto',
      bootstrap,
    })
    expect(calls).toBe(12)
    expect(second.calls).toEqual({ live: 0, stored: 12, errors: 0 })
    expect(second.calibration.dimensions).toEqual({
      ...first.calibration.dimensions,
      faithfulness: { ...first.calibration.dimensions.faithfulness, calibratedAt: expect.any(String) },
      relevance: { ...first.calibration.dimensions.relevance, calibratedAt: expect.any(String) },
    })
  })

  test('a judge error is counted and never scored', async () => {
    const root = project()
    const heuristic = createHeuristicJudge()
    const flaky: Judge = {
      ...heuristic,
      async judge(request) {
        if (request.output.includes('PayPal'))
          throw Object.assign(new Error('judge exploded'), { code: 'RUBRIC_JUDGE_HTTP' })
        return heuristic.judge(request)
      },
    }
    const result = await calibrate({
      data: 'calibration/*.jsonl',
      cwd: root,
      judge: flaky,
      bootstrap,
      store: 'off',
    })
    expect(result.calls).toEqual({ live: 10, stored: 0, errors: 2 })
    expect(result.errorSamples).toEqual([{ code: 'RUBRIC_JUDGE_HTTP', message: 'judge exploded', count: 2 }])
    expect(result.calibration.dimensions.faithfulness).toMatchObject({ n: 10, errors: 2 })
  })

  test('replay fails the rows the store does not hold, as errors', async () => {
    const root = project()
    const result = await calibrate({ data: 'calibration/*.jsonl', cwd: root, store: 'replay', bootstrap })
    expect(result.calls).toEqual({ live: 0, stored: 0, errors: 12 })
    expect(result.errorSamples[0]).toMatchObject({ code: 'RUBRIC_STORE_MISS', count: 12 })
    expect(result.calibration.dimensions.faithfulness).toMatchObject({ n: 0, errors: 12 })
  })

  test('a run keeps the dimensions an earlier run measured with the same judge and rubric', async () => {
    const root = project()
    await calibrate({ data: 'calibration/*.jsonl', cwd: root, dimensions: ['relevance'], bootstrap })
    const second = await calibrate({
      data: 'calibration/*.jsonl',
      cwd: root,
      dimensions: ['faithfulness'],
      bootstrap,
    })
    expect(Object.keys(second.calibration.dimensions)).toEqual(['faithfulness'])
    const written = await readCalibrationFile(join(root, second.file!))
    expect(Object.keys(written.dimensions).sort()).toEqual(['faithfulness', 'relevance'])
  })

  test('the judge names the file; each dimension keeps its definition, in whichever rubric', async () => {
    const root = project()
    const strict = defineRubric({
      name: 'strict',
      dimensions: { faithfulness: { ...dimensions.faithfulness, floor: 0.9 } },
    })
    const result = await calibrate({
      data: 'calibration/*.jsonl',
      cwd: root,
      rubric: strict,
      bootstrap,
      outputDir: 'out',
    })
    expect(result.file).toBe(`out/${createHeuristicJudge().id}.json`)
    const faithfulness = result.calibration.dimensions.faithfulness!
    expect(faithfulness.floor).toBe(0.9)
    expect(Object.keys(result.calibration.dimensions)).toEqual(['faithfulness'])
    // The floor is not part of the definition: the default rubric's faithfulness is the same definition.
    expect(faithfulness.definitionId).toBe(dimensionDefinitionId(defaultRubric, 'faithfulness'))
    expect(faithfulness.definitionId).not.toBe(dimensionDefinitionId(defaultRubric, 'relevance'))

    // Another rubric's run adds its dimensions to the judge's file and keeps the others.
    await calibrate({
      data: 'calibration/*.jsonl',
      cwd: root,
      bootstrap,
      outputDir: 'out',
      dimensions: ['relevance'],
    })
    const file = JSON.parse(readFileSync(join(root, result.file!), 'utf8')) as JudgeCalibration
    expect(file.schemaVersion).toBe(2)
    expect(Object.keys(file.dimensions).sort()).toEqual(['faithfulness', 'relevance'])
    expect(file.dimensions.faithfulness?.definitionId).toBe(faithfulness.definitionId)
  })

  test('scales: declared in the row, else given as an option, else 0 to 1', async () => {
    const root = mkdtempSync(join(tmpdir(), 'vitest-rubric-calibration-'))
    const row = (human: unknown, extra: object = {}) => ({
      output: 'Refunds take 14 days.',
      context: 'Refunds are paid within 14 days.',
      human,
      ...extra,
    })
    writeRows(root, 'scales.jsonl', [
      row({ coherence: 3 }, { scale: { coherence: { min: 1, max: 3 } } }),
      row({ coherence: 2, faithfulness: 0.5 }),
      row({ coherence: 1, faithfulness: [1, null] }),
    ])
    const result = await calibrate({
      data: 'scales.jsonl',
      cwd: root,
      scale: { coherence: { min: 1, max: 5 } },
      outputDir: false,
      bootstrap,
    })
    expect(result.file).toBeNull()
    expect(result.calibration.dimensions.coherence?.n).toBe(3)
    expect(result.calibration.dimensions.faithfulness?.n).toBe(2)

    writeRows(root, 'outside.jsonl', [row({ faithfulness: 4 })])
    await expect(calibrate({ data: 'outside.jsonl', cwd: root, outputDir: false })).rejects.toThrow(
      'outside.jsonl:1: human.faithfulness is 4, outside the scale 0 to 1. Declare the scale',
    )
  })

  test('a score outside a scale the user gave asks to correct it, not to give a scale', async () => {
    const root = mkdtempSync(join(tmpdir(), 'vitest-rubric-calibration-'))
    writeRows(root, 'outside.jsonl', [{ output: 'a', human: { faithfulness: 7 } }])
    const message = (data: string, scale?: { min: number; max: number }) =>
      calibrate({ data, cwd: root, outputDir: false, ...(scale ? { scale } : {}) }).then(
        () => '',
        (error: Error) => error.message,
      )
    const fromOption = await message('outside.jsonl', { min: 1, max: 5 })
    expect(fromOption).toBe(
      'outside.jsonl:1: human.faithfulness is 7, outside the scale 1 to 5 given by --scale (the `scale` option ' +
        'of calibrate()). Correct the score, or give the scale the scores are on (per dimension: --scale ' +
        'coherence=1-3,faithfulness=0-1).',
    )
    writeRows(root, 'declared.jsonl', [
      { output: 'b', human: { faithfulness: 6 }, scale: { min: 1, max: 5 } },
    ])
    const fromRow = await message('declared.jsonl', { min: 0, max: 10 })
    expect(fromRow).toBe(
      'declared.jsonl:1: human.faithfulness is 6, outside the scale 1 to 5 the row declares in "scale". ' +
        "Correct the score, or the row's scale.",
    )
    for (const text of [fromOption, fromRow]) expect(text).not.toContain('Declare the scale')
  })

  test('rows that fail the schema are reported with file and line', async () => {
    const root = mkdtempSync(join(tmpdir(), 'vitest-rubric-calibration-'))
    writeRows(root, 'bad.jsonl', [
      { output: 'fine', human: { faithfulness: 1 } },
      { output: 'no labels' },
      { output: 'bad scale', human: { faithfulness: 1 }, scale: { min: 5, max: 1 } },
    ])
    const error = await calibrate({ data: 'bad.jsonl', cwd: root, outputDir: false }).catch((e: Error) => e)
    expect(error).toBeInstanceOf(DatasetRowError)
    expect((error as DatasetRowError).code).toBe('RUBRIC_DATASET_INVALID_ROW')
    const message = (error as Error).message
    expect(message).toContain(
      'bad.jsonl:2\n    ✖ no human scores: a calibration row needs "human", the score people gave per dimension',
    )
    expect(message).toContain('bad.jsonl:3')
    expect(message).toContain('min < max')
    // The fix speaks of calibration rows, not of a loadDataset() schema the user never passed.
    expect(message).toMatch(/\nFix the rows: a calibration row has `output` \(text\) and `human`/)
    expect(message).not.toContain('loadDataset')
    expect(message).not.toContain('Invalid input')
  })

  test('CSV sets give human.<dimension> and annotator.<dimension>.<name> columns', async () => {
    const root = mkdtempSync(join(tmpdir(), 'vitest-rubric-calibration-'))
    writeFileSync(
      join(root, 'set.csv'),
      [
        'id,output,context,human.faithfulness,annotator.relevance.a,annotator.relevance.b,input',
        'r1,Refunds take 14 days.,Refunds are paid within 14 days.,5,4,5,How long do refunds take?',
        'r2,Refunds take 60 days.,Refunds are paid within 14 days.,1,4,4,How long do refunds take?',
        'r3,We sell shoes.,Refunds are paid within 14 days.,2,1,2,How long do refunds take?',
      ].join('\n'),
    )
    const result = await calibrate({
      data: 'set.csv',
      cwd: root,
      scale: { min: 1, max: 5 },
      outputDir: false,
      bootstrap,
    })
    expect(result.calibration.dimensions.faithfulness?.n).toBe(3)
    expect(result.calibration.dimensions.relevance?.annotators).toMatchObject({ annotators: 2, rows: 3 })
  })

  test('bad options name the fix', async () => {
    const root = project()
    await expect(calibrate({ data: 'calibration/*.jsonl', cwd: root, dimensions: ['tone'] })).rejects.toThrow(
      'no row of support has a human score for "tone"',
    )
    await expect(
      calibrate({ data: 'calibration/*.jsonl', cwd: root, dimensions: ['helpfulness'] }),
    ).rejects.toThrow('unknown dimension "helpfulness"')
    await expect(calibrate({ data: 'calibration/*.jsonl', cwd: root, concurrency: 0 })).rejects.toThrow(
      RubricArgumentError,
    )
  })
})

test('parseScaleOption reads one scale or one per dimension', () => {
  expect(parseScaleOption('1-5')).toEqual({ min: 1, max: 5 })
  expect(parseScaleOption('coherence=1-3, faithfulness=0-1')).toEqual({
    coherence: { min: 1, max: 3 },
    faithfulness: { min: 0, max: 1 },
  })
  expect(parseScaleOption('-1..1')).toEqual({ min: -1, max: 1 })
  expect(() => parseScaleOption('5-1')).toThrow('write the scale as min-max')
  expect(() => parseScaleOption('coherence')).toThrow('write the scale as min-max')
})
