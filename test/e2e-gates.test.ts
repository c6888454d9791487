import { existsSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { afterAll, afterEach, beforeAll, expect, test, vi } from 'vitest'
import { main } from '../src/cli.ts'
import { parseHistory } from '../src/reporter/history.ts'
import { reportSchema } from '../src/reporter/schema.ts'
import type { EvalsOptions } from '../src/types.ts'
import { type JudgeServer, startJudgeServer } from './support/judge-server.ts'
import { copyFixture, runEvals } from './support/run-vitest.ts'
import { scriptQualityJudge } from './support/scripted-judge.ts'

let server: JudgeServer
const copies: string[] = []

beforeAll(async () => {
  server = await startJudgeServer()
  scriptQualityJudge(server)
})
afterEach(() => {
  vi.restoreAllMocks()
  vi.unstubAllEnvs()
})
afterAll(async () => {
  await server.close()
  for (const copy of copies) rmSync(join(copy, '..'), { recursive: true, force: true })
})

function fixtureCopy(): string {
  const root = copyFixture('shard')
  copies.push(root)
  return root
}

const options = (extra: EvalsOptions = {}): EvalsOptions => ({
  judge: { model: 'judge-model', baseURL: server.baseURL, apiKey: 'test-key', maxRetries: 0 },
  store: 'off',
  ...extra,
})

test('passing gates pass the run; a broken gate fails it and names dimension, statistic, value and bound', async () => {
  const root = fixtureCopy()
  const passing = await runEvals(
    root,
    options({ gates: { relevance: { mean: 0.75, p10: 0.5 }, tone: { mean: 0.7 } } }),
  )
  expect(passing.exitCode).toBe(0)
  expect(passing.output).toContain(' gates  3 passed\n')
  expect(passing.report.gates.map((gate) => gate.status)).toEqual(['passed', 'passed', 'passed'])

  const failing = await runEvals(root, options({ gates: { tone: { min: 0.75, passRate: 1 } } }))
  expect(failing.exitCode).toBe(1)
  for (const line of [
    ' gates  1 passed · 1 failed',
    ' P0 gate broken  tone min 0.500 < 0.750',
    ' rubric checks failed (P0 gate)',
  ]) {
    expect(failing.output).toContain(`${line}\n`)
  }
  expect(reportSchema.safeParse(failing.report).error).toBeUndefined()
  expect(failing.report.alerts).toEqual([
    { tier: 'P0', kind: 'gate', dimension: 'tone', message: 'tone min 0.500 < 0.750' },
  ])
}, 60_000)

test("a gate on the interval's lower end fails a run whose mean clears the bound", async () => {
  const root = fixtureCopy()
  const plain = await runEvals(root, options())
  const relevance = plain.report.summary.run.relevance!
  const { mean, meanSe, meanLow, meanHigh } = relevance
  expect(meanSe).toBeGreaterThan(0)
  expect(meanLow).toBeLessThan(mean!)
  expect(meanHigh).toBeGreaterThan(mean!)
  // A bound between the lower end and the mean: the mean clears it, the interval does not.
  const bound = Math.round(((meanLow! + mean!) / 2) * 1000) / 1000
  const onMean = await runEvals(root, options({ gates: { relevance: { mean: bound } } }))
  expect(onMean.exitCode).toBe(0)
  const onLower = await runEvals(root, options({ gates: { relevance: { mean: bound, on: 'lower' } } }))
  expect(onLower.exitCode).toBe(1)
  const line = `relevance mean (95% lower end) ${meanLow!.toFixed(3)} < ${bound.toFixed(3)}`
  expect(onLower.output).toContain(` P0 gate broken  ${line}\n`)
  expect(onLower.report.gates).toEqual([
    { dimension: 'relevance', statistic: 'mean', on: 'lower', bound, value: meanLow, status: 'failed' },
  ])
  expect(reportSchema.safeParse(onLower.report).error).toBeUndefined()
}, 60_000)

test('a gate on a dimension no test scored fails a whole run, naming the closest; a filtered run skips it', async () => {
  const root = fixtureCopy()
  const gates = { relevance: { mean: 0.5 }, relevence: { mean: 0.9 } }
  const whole = await runEvals(root, options({ gates }))
  expect(whole.exitCode).toBe(1)
  for (const line of [
    ' gates  1 passed · 1 failed',
    ' P0 gate broken  gate on "relevence": no rubric, check or scorer of this run scored a dimension of that name ' +
      '(it scored relevance, tone). Did you mean "relevance"? Fix the dimension\'s name in evals({ gates }), or ' +
      'remove the gate. Only a filtered run (a -t pattern, file filters, a watch re-run) skips a gate it cannot check.',
    ' rubric checks failed (P0 gate)',
  ]) {
    expect(whole.output).toContain(`${line}\n`)
  }
  expect(whole.report.gates.find((gate) => gate.dimension === 'relevence')).toEqual({
    dimension: 'relevence',
    statistic: 'mean',
    bound: 0.9,
    value: null,
    status: 'failed',
  })

  const files = await runEvals(root, options({ gates }), { filters: ['refunds'] })
  expect(files.exitCode).toBe(0)
  expect(files.output).toContain(
    ' gates  1 passed · 1 skipped (a filtered run: 3 of 4 test files left out)\n',
  )
  expect(files.output).toContain('   - relevence mean: not scored in this filtered run (skipped)\n')

  const named = await runEvals(root, options({ gates }), { cli: { testNamePattern: 'refund' } })
  expect(named.exitCode).toBe(0)
  expect(named.output).toContain(
    ' gates  1 passed · 1 skipped (a filtered run: the test name pattern /refund/)\n',
  )
}, 60_000)

test('a baseline: the change column, a P1 alert on a significant drop, and a failed run with regression: fail', async () => {
  const root = fixtureCopy()
  vi.spyOn(console, 'log').mockImplementation(() => {})
  const first = await runEvals(root, options())
  expect(first.exitCode).toBe(0)
  const reportFile = join(root, 'first-report.json')
  writeFileSync(reportFile, JSON.stringify(first.report))
  expect(await main(['baseline', '--from', reportFile, '--to', join(root, 'evals', 'baseline.json')])).toBe(0)

  const unchanged = await runEvals(root, options({ baseline: 'evals/baseline.json', regression: 'fail' }))
  expect(unchanged.exitCode).toBe(0)
  expect(unchanged.output).toContain(' baseline evals/baseline.json: 2 unchanged')
  // At 100 columns, with the interval of each mean shown, the change cell gives its interval up (report.json keeps it).
  expect(unchanged.output).toMatch(/relevance .* \+0\.000 unchanged/)
  expect(
    unchanged.report.baseline!.dimensions.find((change) => change.dimension === 'relevance'),
  ).toMatchObject({
    diff: 0,
    low: 0,
    high: 0,
    verdict: 'unchanged',
  })

  // Every answer loses points (the prompt got worse), yet each still reaches its floor: only the baseline sees it.
  const edit = (path: string, from: RegExp, to: string) =>
    writeFileSync(path, readFileSync(path, 'utf8').replace(from, to))
  edit(join(root, '..', 'rubric.ts'), /floor: 0\.\d+/g, 'floor: 0.25')
  for (const file of ['refunds', 'shipping', 'warranty', 'payments']) {
    const path = join(root, `${file}.eval.ts`)
    edit(path, /quality:[45]/g, 'quality:2')
    edit(path, /toScoreAtLeast\('(\w+)', 0\.\d+/g, "toScoreAtLeast('$1', 0.25")
  }
  const summary = join(root, 'step-summary.md')
  vi.stubEnv('GITHUB_STEP_SUMMARY', summary)
  const regressed = await runEvals(
    root,
    options({
      baseline: 'evals/baseline.json',
      regression: 'fail',
      reporter: { markdown: 'out/summary.md', html: 'out/report.html', history: 'out/history.jsonl' },
    }),
  )
  expect(regressed.exitCode).toBe(1)
  expect(regressed.output).toContain(' baseline evals/baseline.json: 2 regressed')
  expect(regressed.output).toMatch(/relevance .* -0\.\d{3} regressed/)
  const change = regressed.report.baseline!.dimensions.find((change) => change.dimension === 'relevance')!
  expect(change.verdict).toBe('regressed')
  expect(change.high).toBeLessThan(0)
  expect(regressed.output).toMatch(
    / P1 regression {2}relevance mean -0\.\d{3} .* against evals\/baseline\.json \(6 paired outputs\)/,
  )
  expect(regressed.output).toContain(' rubric checks failed (P1 regression)')
  expect(regressed.output).toMatch(/ report .*\/report\.json, out\/summary\.md, out\/report\.html\n/)
  expect(regressed.report.baseline?.dimensions.map((change) => change.verdict)).toEqual([
    'regressed',
    'regressed',
  ])

  const markdown = readFileSync(join(root, 'out', 'summary.md'), 'utf8')
  expect(markdown).toContain('🔴 regressed')
  expect(readFileSync(summary, 'utf8')).toBe(`${markdown}\n`)
  const html = readFileSync(join(root, 'out', 'report.html'), 'utf8')
  expect(html).toContain('<ins>2</ins>')
  const history = parseHistory(readFileSync(join(root, 'out', 'history.jsonl'), 'utf8'))
  expect(history.map((entry) => Object.keys(entry.dimensions))).toEqual([['relevance', 'tone']])

  const warned = await runEvals(root, options({ baseline: 'evals/baseline.json' }))
  expect(warned.exitCode).toBe(0)
  expect(warned.output).toContain(' P1 regression  relevance mean')
  expect(warned.output).not.toContain('rubric checks failed')
}, 120_000)

test('a missing baseline is a note, not a failure; a filtered run adds nothing to the history', async () => {
  const root = fixtureCopy()
  const history = join(root, 'out', 'history.jsonl')
  const filtered = await runEvals(
    root,
    options({
      baseline: 'evals/baseline.json',
      regression: 'fail',
      reporter: { history: 'out/history.jsonl' },
    }),
    { filters: ['refunds'] },
  )
  expect(filtered.exitCode).toBe(0)
  expect(filtered.output).toContain(
    ' no baseline at evals/baseline.json yet; after a run you trust, write one with `npx vitest-rubric baseline --to evals/baseline.json`',
  )
  expect(existsSync(history)).toBe(false)
  const whole = await runEvals(root, options({ reporter: { history: 'out/history.jsonl' } }))
  expect(whole.exitCode).toBe(0)
  expect(parseHistory(readFileSync(history, 'utf8'))).toHaveLength(1)
  expect(existsSync(join(root, '.vitest-rubric'))).toBe(false)
}, 60_000)
