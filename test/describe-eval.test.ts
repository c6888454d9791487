import { appendFileSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, test, vi } from 'vitest'
import { loadDataset } from '../src/dataset/load-dataset.ts'
import { scorerId } from '../src/matchers/check-record.ts'
import type { ReportJudgment } from '../src/reporter/report-json.ts'
import { type JudgeServer, startJudgeServer } from './support/judge-server.ts'
import { copyFixture, fixture, runEvals } from './support/run-vitest.ts'
import { judgedOutput, scriptQualityJudge } from './support/scripted-judge.ts'

let server: JudgeServer

beforeAll(async () => {
  server = await startJudgeServer()
})
beforeEach(() => {
  server.reset()
  scriptQualityJudge(server)
})
afterEach(() => {
  vi.unstubAllEnvs()
})
afterAll(() => server.close())

const judge = () => ({ model: 'judge-model', baseURL: server.baseURL, apiKey: 'test-key', maxRetries: 0 })

/** The quality records of each row (a task's cost record left out). */
function byRow(judgments: readonly ReportJudgment[]): Record<string, ReportJudgment[]> {
  const rows: Record<string, ReportJudgment[]> = {}
  for (const judgment of judgments) {
    if (judgment.kind === 'task') continue
    const key = judgment.rowId ?? '-'
    rows[key] = [...(rows[key] ?? []), judgment]
  }
  return rows
}

function testStates(modules: Awaited<ReturnType<typeof runEvals>>['modules']): Record<string, string> {
  const states: Record<string, string> = {}
  for (const module of modules) {
    for (const testCase of module.children.allTests()) states[testCase.name] = testCase.result().state
  }
  return states
}

describe('describeEval end to end', () => {
  test('30 rows run concurrently, one judge call each, and every judgment lands on its own row', async () => {
    const root = fixture('e2e', 'dataset-suite')
    const { exitCode, report, modules, output } = await runEvals(root, {
      judge: judge(),
      store: 'off',
      reporter: { groupBy: 'segment' },
    })
    const dataset = await loadDataset('rows.jsonl', { cwd: root })
    expect(dataset.rows).toHaveLength(30)

    // The judge server answers "row:" outputs only once eight are in flight together, so getting here at all
    // means the rows ran concurrently.
    expect(server.chatRequests).toHaveLength(30)
    expect(server.chatRequests.map(judgedOutput).sort()).toEqual(
      dataset.rows.map((row) => `row:${row.data.input} quality:${row.data.metadata?.quality}`).sort(),
    )

    const rows = byRow(report.judgments)
    expect(Object.keys(rows).sort()).toEqual(dataset.rows.map((row) => row.id).sort())
    const states = testStates(modules)
    for (const row of dataset.rows) {
      const quality = row.data.metadata?.quality as number
      const judgments = rows[row.id]!
      expect(judgments.map((j) => j.dimension).sort()).toEqual(['echoes-input', 'relevance', 'tone'])
      for (const judgment of judgments) {
        expect(judgment).toMatchObject({
          test: `qa > ${row.id}`,
          output: `row:${row.data.input} quality:${quality}`,
          rowId: row.id,
          dataset: 'rows',
          datasetHash: dataset.hash,
          metadata: { segment: row.data.metadata?.segment, quality },
        })
      }
      const score = (dimension: string) => judgments.find((j) => j.dimension === dimension)?.score
      expect(score('relevance')).toBe((quality - 1) / 4)
      expect(score('tone')).toBe((quality - 1) / 4)
      expect(score('echoes-input')).toBe(1)
      // tone's floor is 0.75: quality 3 (0.5) fails its row, and only its row
      expect(states[row.id]).toBe(quality === 3 ? 'failed' : 'passed')
    }
    expect(exitCode).toBe(1)
    expect(report.datasetHashes).toEqual([dataset.hash])

    // Each row's task leaves what it spent: its wall time (no bound on it: it depends on the machine).
    const tasks = report.judgments.filter((j) => j.kind === 'task')
    expect(tasks.map((j) => j.rowId).sort()).toEqual(dataset.rows.map((row) => row.id).sort())
    for (const task of tasks) {
      expect(task).toMatchObject({ dimension: 'latency', score: null, pass: null, dataset: 'rows' })
      expect(task.latencyMs).toBeGreaterThanOrEqual(0)
    }
    expect(report.summary.taskCost?.run.latency.n).toBe(30)
    expect(report.summary.taskCost?.run.tokens).toBeNull()
    // The output normaliser writes durations as <time>.
    expect(output).toContain('\n   latency  30 tasks  p50 <time>  p95 <time>  p99 <time>  mean <time>\n')

    // Scorers are dimensions, not judges or judge calls.
    expect(output).toContain('judge judge-model · 30 live calls')
    expect(output).toContain('✗ tone       0.50 < 0.75  tone looks like 3')
    const groups = output.slice(output.indexOf(' segment: billing'), output.indexOf(' report '))
    expect(groups).toMatchInlineSnapshot(`
      " segment: billing
         dimension      n  mean    se     95% CI   p10   min        pass  floor  errors
         echoes-input  10  1.00  0.00  1.00-1.00  1.00  1.00  10/10 100%   1.00       0
         relevance     10  0.50  0.00  0.50-0.50  0.50  0.50  10/10 100%   0.50       0
         tone          10  0.50  0.00  0.50-0.50  0.50  0.50   0/10   0%   0.75       0

       segment: returns
         dimension      n  mean    se     95% CI   p10   min        pass  floor  errors
         echoes-input  10  1.00  0.00  1.00-1.00  1.00  1.00  10/10 100%   1.00       0
         relevance     10  1.00  0.00  1.00-1.00  1.00  1.00  10/10 100%   0.50       0
         tone          10  1.00  0.00  1.00-1.00  1.00  1.00  10/10 100%   0.75       0

       segment: shipping
         dimension      n  mean    se     95% CI   p10   min        pass  floor  errors
         echoes-input  10  1.00  0.00  1.00-1.00  1.00  1.00  10/10 100%   1.00       0
         relevance     10  0.75  0.00  0.75-0.75  0.75  0.75  10/10 100%   0.50       0
         tone          10  0.75  0.00  0.75-0.75  0.75  0.75  10/10 100%   0.75       0

      "
    `)
  })

  test('array data, content ids, input names, scorers only and a stratified sample with always rows', async () => {
    const { exitCode, report, modules } = await runEvals(fixture('e2e', 'dataset-sample'), {
      judge: judge(),
      store: 'off',
    })
    expect(exitCode).toBe(0)
    expect(server.chatRequests).toHaveLength(0)
    const names = Object.keys(testStates(modules))
    // 8 drawn (billing 2, shipping 2, returns 4 of 10, 9 and 19 ordinary rows) plus the 2 flagged rows
    expect(names).toHaveLength(10)
    expect(names).toContain('Ticket 8: where is my parcel?')
    expect(names).toContain('Ticket 34: where is my parcel?')
    const scored = report.judgments.filter((j) => j.kind !== 'task')
    const segments = scored.map((j) => j.metadata?.segment)
    expect(segments.filter((s) => s === 'billing')).toHaveLength(2)
    expect(segments.filter((s) => s === 'shipping')).toHaveLength(3)
    expect(segments.filter((s) => s === 'returns')).toHaveLength(5)
    expect(report.judgments.every((j) => /^[0-9a-f]{12}$/.test(j.rowId ?? ''))).toBe(true)
    expect(report.judges).toEqual([])
    const missed = scored.find((j) => j.score === 0)
    expect(missed).toMatchObject({ dimension: 'mentions-reference', reason: 'no "refund"', pass: true })
    // The scorer's id is the one toPassScorer gives the same scorer: its name and version ('1' by default).
    expect(missed?.judgeId).toBe(scorerId('mentions-reference', '1'))
    expect(report.judgments.every((j) => j.dataset === 'tickets')).toBe(true)
  })

  test('a scorer below its floor, a scorer that fails and a task that throws fail their own row only', async () => {
    const { exitCode, report, modules, output } = await runEvals(fixture('e2e', 'dataset-failures'), {
      judge: judge(),
      store: 'off',
    })
    expect(exitCode).toBe(1)
    expect(testStates(modules)).toEqual({ short: 'passed', crash: 'failed', long: 'failed' })
    expect(output).toContain('Error: the bot is down')
    expect(output).toContain('brevity scored 0.20, below its floor 0.50 (83 chars)')
    expect(output).toContain(
      'scorer flaky failed: returned 2; a scorer returns a number in [0, 1] or { score, reason }\n' +
        'scorer strict failed: cannot read greetings',
    )
    const long = byRow(report.judgments).long!
    expect(
      long.map(({ dimension, score, pass, error }) => [dimension, score, pass, error?.code ?? null]),
    ).toEqual([
      ['brevity', 0.2, false, null],
      ['flaky', null, null, 'RUBRIC_SCORER_FAILED'],
      ['strict', null, null, 'RUBRIC_SCORER_FAILED'],
    ])
    expect(byRow(report.judgments).crash).toBeUndefined()
    // A task that threw spent no measured run: only the rows whose task returned have a task record.
    expect(
      report.judgments
        .filter((j) => j.kind === 'task')
        .map((j) => j.rowId)
        .sort(),
    ).toEqual(['long', 'short'])
    expect(
      Object.values(report.summary.run).map(({ dimension, n, errors }) => [dimension, n, errors]),
    ).toEqual([
      ['brevity', 2, 0],
      ['flaky', 1, 1],
      ['strict', 1, 1],
    ])
  })

  test('the boundary slice runs only rows near a floor, never scored, or always run', async () => {
    const root = copyFixture('boundary')
    const storeFile = join(root, '__judgments__', 'answers.eval.ts.json')

    const full = await runEvals(root, { judge: judge(), store: 'auto' })
    expect(server.chatRequests).toHaveLength(6)
    expect(Object.values(testStates(full.modules)).filter((state) => state === 'skipped')).toHaveLength(0)
    const stored = JSON.parse(readFileSync(storeFile, 'utf8'))
    expect(stored.version).toBe(1)
    expect(stored.rows).toEqual({
      answers: {
        q1: { relevance: 0, tone: 0 },
        q2: { relevance: 0.25, tone: 0.25 },
        q3: { relevance: 0.5, tone: 0.5 },
        q4: { relevance: 0.75, tone: 0.75 },
        q5: { relevance: 1, tone: 1 },
        pinned: { relevance: 1, tone: 1 },
      },
    })

    appendFileSync(join(root, 'rows.jsonl'), '{"id":"q6","input":"New, never scored.","quality":5}\n')
    vi.stubEnv('VITEST_RUBRIC_SLICE', 'boundary')
    server.reset()
    scriptQualityJudge(server)
    const slice = await runEvals(root, { judge: judge(), store: 'auto', gates: { coherence: { mean: 0.5 } } })
    expect(testStates(slice.modules)).toEqual({
      q1: 'skipped',
      q2: 'skipped',
      q3: 'failed', // relevance 0.5 is on its floor, tone 0.5 below 0.75
      q4: 'passed',
      q5: 'skipped',
      pinned: 'passed',
      q6: 'passed',
    })
    // Only the new row needed the judge; the others were stored.
    expect(server.chatRequests.map(judgedOutput)).toEqual(['New, never scored. quality:5'])
    expect(slice.output).not.toContain('obsolete')
    // A gate on a dimension the slice did not score is skipped, not failed: the run is not the whole suite.
    expect(slice.output).toContain(' gates  1 skipped (a filtered run: the boundary slice)\n')
    expect(JSON.parse(readFileSync(storeFile, 'utf8')).rows.answers).toMatchObject({
      q6: { relevance: 1, tone: 1 },
      q1: { relevance: 0, tone: 0 },
    })
  })
})
