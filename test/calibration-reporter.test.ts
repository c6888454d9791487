import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, expect, test } from 'vitest'
import { rubric } from '../fixtures/e2e/rubric.ts'
import { calibrate } from '../src/calibration/calibrate.ts'
import { reportSchema } from '../src/reporter/schema.ts'
import { defineRubric } from '../src/rubric/define-rubric.ts'
import type { EvalsOptions, Rubric } from '../src/types.ts'
import { type JudgeServer, startJudgeServer } from './support/judge-server.ts'
import { copyFixture, runEvals } from './support/run-vitest.ts'
import { scriptQualityJudge } from './support/scripted-judge.ts'

let server: JudgeServer
const temporary: string[] = []

beforeAll(async () => {
  server = await startJudgeServer()
  scriptQualityJudge(server)
})
afterAll(async () => {
  await server.close()
  for (const dir of temporary) rmSync(dir, { recursive: true, force: true })
})

const judge = () => ({ model: 'judge-model', baseURL: server.baseURL, apiKey: 'test-key', maxRetries: 0 })
const options = (extra: EvalsOptions = {}): EvalsOptions => ({ judge: judge(), store: 'off', ...extra })

/**
 * Calibrates the fixture's LLM judge on `dimension`: the judge answers `quality:N` with N, the people agree
 * with it at Spearman 0.852 (see test/cli-calibrate.test.ts).
 */
async function calibrateJudge(root: string, dimension: string, onRubric: Rubric = rubric): Promise<void> {
  const data = mkdtempSync(join(tmpdir(), 'vitest-rubric-calibration-set-'))
  temporary.push(data)
  const human = [5, 5, 3, 3, 1, 2, 4, 2]
  const rows = [5, 4, 4, 3, 2, 1, 5, 2].map((quality, i) => ({
    input: 'How long do refunds take?',
    output: `answer ${i} quality:${quality}`,
    human: { [dimension]: human[i] },
    scale: { min: 1, max: 5 },
  }))
  writeFileSync(join(data, 'set.jsonl'), `${rows.map((row) => JSON.stringify(row)).join('\n')}\n`)
  await calibrate({
    data: 'set.jsonl',
    cwd: data,
    judge: judge(),
    rubric: onRubric,
    store: 'off',
    outputDir: join(root, '.vitest-rubric', 'calibration'),
    bootstrap: { resamples: 100 },
  })
}

const tableOf = (output: string) =>
  output
    .split('\n')
    .filter((line) => /^ {3}(dimension|relevance|tone) /.test(line))
    .join('\n')

test('the table shows each dimension calibration, and the gate fails an uncalibrated judge', async () => {
  const root = copyFixture('passing')
  temporary.push(join(root, '..'))

  // No calibration file and no gate: no column.
  const before = await runEvals(root, options())
  expect(before.exitCode).toBe(0)
  expect(before.output).not.toContain('calibration')

  await calibrateJudge(root, 'relevance')
  const gated = await runEvals(root, options({ calibration: { minSpearman: 0.4 } }))
  expect(tableOf(gated.output)).toMatchInlineSnapshot(`
    "   dimension  n  mean    se     95% CI   p10   min      pass      floor  errors  calibration
       relevance  3  0.58  0.30  0.00-1.00  0.15  0.00  2/3  66%  0.50-0.75       0  ρ 0.85 (n 8)
       tone       1  0.75     -          -  0.75  0.75  1/1 100%       0.75       0  uncalibrated"
  `)
  expect(gated.output).toContain(
    ' P0 gate broken  tone calibration: judge-model is uncalibrated, Spearman unknown < 0.400; run `vitest-rubric calibrate --dimensions tone`\n',
  )
  expect(gated.output).toContain(' rubric checks failed (P0 gate)\n')
  expect(gated.exitCode).toBe(1)
  expect(reportSchema.safeParse(gated.report).error).toBeUndefined()
  expect(gated.report.alerts.map((alert) => alert.dimension)).toEqual(['tone'])
})

test('a calibration holds for an unchanged dimension in any rubric, whatever its floor', async () => {
  const root = copyFixture('passing')
  temporary.push(join(root, '..'))
  // Another rubric that reuses tone as it is, with another floor and another dimension beside it.
  const another = defineRubric({
    name: 'another rubric',
    dimensions: {
      tone: { ...rubric.dimensions.tone!, floor: 0.5 },
      brevity: { description: 'Says it in few words.' },
    },
  })
  await calibrateJudge(root, 'tone', another)
  const run = await runEvals(root, options({ calibration: { minSpearman: 0.4 } }))
  expect(tableOf(run.output)).toContain('ρ 0.85 (n 8)')
  expect(tableOf(run.output)).not.toContain('stale')
  expect(run.report.alerts.map((alert) => alert.dimension)).toEqual(['relevance'])
})

test('a calibration of an earlier definition is stale; a weak judge breaks the gate', async () => {
  const root = copyFixture('passing')
  temporary.push(join(root, '..'))
  await calibrateJudge(root, 'relevance')
  // A calibration of tone as an earlier version of the rubric described it is stale for this one.
  const earlier = defineRubric({
    name: rubric.name,
    dimensions: {
      ...rubric.dimensions,
      tone: { ...rubric.dimensions.tone!, description: 'Polite, whatever else it says.' },
    },
  })
  await calibrateJudge(root, 'tone', earlier)
  const stale = await runEvals(root, options({ calibration: { minSpearman: 0.4 } }))
  expect(tableOf(stale.output)).toContain('stale')
  expect(stale.output).toMatch(
    /P0 gate broken {2}tone calibration: judge-model is stale \(calibrated \d{4}-\d\d-\d\d for another version/,
  )
  expect(stale.exitCode).toBe(1)

  await calibrateJudge(root, 'tone')
  const calibrated = await runEvals(root, options({ calibration: { minSpearman: 0.4 } }))
  expect(calibrated.exitCode).toBe(0)
  expect(calibrated.report.alerts).toEqual([])
  // report.json keeps each dimension's calibration, for the HTML report and later renderings.
  expect(calibrated.report.calibration).toEqual({
    relevance: { text: expect.stringMatching(/^ρ \d\.\d\d \(n 8\)$/), tone: 'ok' },
    tone: { text: expect.stringMatching(/^ρ \d\.\d\d \(n 8\)$/), tone: 'ok' },
  })

  const weak = await runEvals(root, options({ calibration: { minSpearman: 0.9 } }))
  expect(weak.exitCode).toBe(1)
  expect(weak.output).toContain(
    ' P0 gate broken  relevance calibration: judge-model Spearman 0.852 (n 8) < 0.900\n',
  )
  expect(weak.output).toContain(
    ' P0 gate broken  tone calibration: judge-model Spearman 0.852 (n 8) < 0.900\n',
  )
})

test('an unreadable calibration file is noted, not fatal', async () => {
  const root = copyFixture('passing')
  temporary.push(join(root, '..'))
  await calibrateJudge(root, 'relevance')
  writeFileSync(join(root, '.vitest-rubric', 'calibration', 'broken.json'), '{ "schemaVersion": 1,')
  const run = await runEvals(root, options())
  expect(run.exitCode).toBe(0)
  expect(run.output).toContain(
    ' calibration the calibration file .vitest-rubric/calibration/broken.json cannot be read',
  )
})
