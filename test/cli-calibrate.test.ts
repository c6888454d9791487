import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, test, vi } from 'vitest'
import { main } from '../src/cli.ts'
import { createJudge } from '../src/judge/create-judge.ts'
import { createHeuristicJudge } from '../src/judge/heuristic/index.ts'
import type { JudgeCalibration } from '../src/types.ts'
import { gate, type JudgeServer, reply, requestedVerdict, startJudgeServer } from './support/judge-server.ts'
import { fixture, repoRoot } from './support/run-vitest.ts'
import { judgedOutput } from './support/scripted-judge.ts'

let dir: string
let logged: string[]
let errors: string[]
const cwd = process.cwd()

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'vitest-rubric-cli-calibrate-'))
  mkdirSync(join(dir, 'calibration'))
  logged = []
  errors = []
  vi.spyOn(console, 'log').mockImplementation((...args) => void logged.push(args.join(' ')))
  vi.spyOn(console, 'error').mockImplementation((...args) => void errors.push(args.join(' ')))
  vi.stubEnv('VITEST_RUBRIC_STORE', '')
  vi.stubEnv('NO_COLOR', '1')
  process.chdir(dir)
})
afterEach(() => {
  process.chdir(cwd)
  vi.restoreAllMocks()
  vi.unstubAllEnvs()
  rmSync(dir, { recursive: true, force: true })
})

const readJson = (path: string) => JSON.parse(readFileSync(path, 'utf8')) as JudgeCalibration

describe('vitest-rubric calibrate with the heuristic judge', () => {
  test('prints the table and writes .vitest-rubric/calibration/<judge id>.json', async () => {
    cpSync(
      fixture('calibration', 'examples', 'support-answers.jsonl'),
      join(dir, 'calibration', 'support.jsonl'),
    )
    const code = await main([
      'calibrate',
      '--data',
      'calibration/*.jsonl',
      '--dimensions',
      'faithfulness,relevance',
      '--resamples',
      '300',
    ])
    expect(errors).toEqual([])
    expect(code).toBe(0)
    const judgeId = createHeuristicJudge().id
    const output = logged.join('\n').replaceAll(judgeId, '<judge id>')
    expect(output).toMatchInlineSnapshot(`
      "  Calibration  judge heuristic@1 (offline) · rubric vitest-rubric default · 12 rows from calibration/support.jsonl · 12 live, 0 stored, 0 failed

                             faithfulness          relevance
         n (errors)          12 (0)                12 (0)
         Pearson             0.763 [0.505, 0.924]  0.845 [0.630, 0.974]
         Spearman            0.727 [0.336, 0.917]  0.752 [0.488, 0.872]
         Kendall tau-b       0.535 [0.237, 0.819]  0.637 [0.433, 0.786]
         Spearman, by group  0.717 [0.500, 0.933]  0.866 [0.866, 0.866]
         Kendall, by group   0.621 [0.333, 0.908]  0.816 [0.816, 0.816]
         groups used         4 of 4                3 of 4
         MAE                 0.247 [0.161, 0.311]  0.174 [0.090, 0.278]
         RMSE                0.290 [0.190, 0.369]  0.239 [0.121, 0.340]
         floor               0.60 (3.4 on 1-5)     0.60 (3.4 on 1-5)
         accuracy at floor   0.917 [0.750, 1.000]  0.917 [0.750, 1.000]
         F1 (fail) at floor  0.923 [0.727, 1.000]  0.857 [0.400, 1.000]
         kappa at floor      0.833 [0.500, 1.000]  0.800 [0.308, 1.000]
         QWK on 1-5          0.738 [0.527, 0.900]  0.853 [0.476, 0.969]
         most common score   1 on 1-5 (33%)        5 on 1-5 (75%) !
         humans: alpha       0.901                 0.863
         humans: Spearman    0.892                 0.837
         judge vs one human  0.738                 0.747

         [95% bootstrap interval, 300 resamples, seed 1]
       faithfulness: 3 annotators on 12 rows; people agree with each other at Spearman 0.892, the judge with one of them at 0.738.
       ! relevance: the judge gives 5 on the 1 to 5 scale to 75% of rows; a judge that gives most outputs one score cannot rank them, whatever its error.
       relevance: by group over 3 of 4 groups (12 rows); 1 skipped (a single row, or human or judge scores constant within the group).
       relevance: 3 annotators on 12 rows; people agree with each other at Spearman 0.837, the judge with one of them at 0.747.
       wrote .vitest-rubric/calibration/<judge id>.json: commit it, and the reporter shows each dimension's calibration"
    `)
    const file = join(dir, '.vitest-rubric', 'calibration', `${judgeId}.json`)
    expect(readJson(file).dimensions.faithfulness?.n).toBe(12)
    expect(existsSync(join(dir, 'calibration', '__judgments__', 'support.jsonl.json'))).toBe(true)
  })

  test('--rubric loads a TypeScript module that imports vitest-rubric, --json prints the calibration', async () => {
    writeFileSync(
      join(dir, 'rubric.ts'),
      [
        "import { defineRubric, dimensions } from 'vitest-rubric'",
        "export const other = { not: 'a rubric' }",
        "export const strict = defineRubric({ name: 'strict', dimensions: { faithfulness: { ...dimensions.faithfulness, floor: 0.9 } } })",
      ].join('\n'),
    )
    writeFileSync(
      join(dir, 'calibration', 'set.jsonl'),
      `${JSON.stringify({ output: 'Refunds take 14 days.', context: 'Refunds take 14 days.', human: { faithfulness: 1 } })}\n` +
        `${JSON.stringify({ output: 'Refunds take 60 days.', context: 'Refunds take 14 days.', human: { faithfulness: 0 } })}\n`,
    )
    const code = await main([
      'calibrate',
      'calibration/set.jsonl',
      '--rubric',
      'rubric.ts',
      '--json',
      '--no-write',
    ])
    expect(errors).toEqual([])
    expect(code).toBe(0)
    const calibration = JSON.parse(logged.join('\n')) as JudgeCalibration
    expect(calibration.rubric.name).toBe('strict')
    expect(calibration.dimensions.faithfulness).toMatchObject({
      n: 2,
      floor: 0.9,
      spearman: { value: expect.closeTo(1, 9) },
    })
    expect(existsSync(join(dir, '.vitest-rubric'))).toBe(false)
  })

  test('bad arguments say what to do', async () => {
    expect(await main(['calibrate'])).toBe(1)
    expect(errors.join('\n')).toContain("name the calibration set: --data 'fixtures/calibration/*.jsonl'")
    errors.length = 0
    expect(await main(['calibrate', '--data', 'x.jsonl', '--judge', 'gpt'])).toBe(1)
    expect(errors.join('\n')).toContain('--judge gpt is not a judge')
    errors.length = 0
    expect(await main(['calibrate', '--data', 'x.jsonl', '--store', 'sometimes'])).toBe(1)
    expect(errors.join('\n')).toContain(
      '--store sometimes is not a store mode; use auto, replay, record, off.',
    )
    errors.length = 0
    expect(await main(['calibrate', '--data', 'x.jsonl', '--rubric', 'missing.ts'])).toBe(1)
    expect(errors.join('\n')).toContain('--rubric missing.ts: no such file')
    errors.length = 0
    expect(await main(['calibrate', '--data', 'nothing/*.jsonl'])).toBe(1)
    expect(errors.join('\n')).toContain('no dataset files match "nothing/*.jsonl"')
  })
})

describe('vitest-rubric calibrate with an LLM judge (local OpenAI-compatible server)', () => {
  let server: JudgeServer
  beforeAll(async () => {
    server = await startJudgeServer()
  })
  afterAll(() => server.close())

  // The judge answers `quality:N` in an output with N; the humans' scores are chosen so that the agreement is
  // known. SciPy and scikit-learn on judge [5,4,4,3,2,1,5,2] vs human [5,5,3,3,1,2,4,2]: Spearman 0.851852,
  // Pearson 0.839684, Kendall tau-b 0.72, quadratic-weighted kappa 0.836066, MAE 0.15625 (normalised).
  const judge = [5, 4, 4, 3, 2, 1, 5, 2]
  const human = [5, 5, 3, 3, 1, 2, 4, 2]

  function writeSet(): void {
    const rows = judge.map((quality, i) => ({
      id: `row-${i}`,
      input: 'How long do refunds take?',
      context: 'Refunds are paid within 14 days.',
      output: `answer ${i} quality:${quality}`,
      human: { relevance: human[i] },
      scale: { min: 1, max: 5 },
    }))
    writeFileSync(
      join(dir, 'calibration', 'llm.jsonl'),
      `${rows.map((row) => JSON.stringify(row)).join('\n')}\n`,
    )
  }

  function scriptQuality(hold?: Promise<void>) {
    server.respond((request) => {
      const quality = Number(/quality:(\d)/.exec(judgedOutput(request))?.[1])
      const verdict = reply.verdict(
        Object.fromEntries(requestedVerdict(request.body).dimensions.map((name) => [name, quality])),
      )
      return hold ? reply.held(hold, verdict) : verdict
    })
  }

  beforeEach(() => {
    server.reset()
    vi.stubEnv('OPENAI_API_KEY', 'test-key')
    writeSet()
  })

  const args = () => [
    'calibrate',
    '--data',
    'calibration/llm.jsonl',
    '--model',
    'judge-model',
    '--base-url',
    server.baseURL,
  ]

  test('judges every row through the store, measures the known agreement, and re-runs for free', async () => {
    scriptQuality()
    expect(await main(args())).toBe(0)
    expect(errors).toEqual([])
    expect(server.chatRequests).toHaveLength(8)
    const judgeId = createJudge({ model: 'judge-model', baseURL: server.baseURL }).id
    const calibration = readJson(join(dir, '.vitest-rubric', 'calibration', `${judgeId}.json`))
    expect(calibration.judge).toMatchObject({ id: judgeId, name: 'judge-model', model: 'judge-model' })
    const relevance = calibration.dimensions.relevance!
    expect(relevance.n).toBe(8)
    expect(relevance.spearman.value).toBeCloseTo(0.851852, 6)
    expect(relevance.pearson.value).toBeCloseTo(0.839684, 6)
    expect(relevance.kendall.value).toBeCloseTo(0.72, 6)
    expect(relevance.quadraticKappa.value).toBeCloseTo(0.836066, 6)
    expect(relevance.meanAbsoluteError.value).toBeCloseTo(0.15625, 6)
    expect(logged.join('\n')).toContain(
      'judge judge-model · rubric vitest-rubric default · 8 rows from calibration/llm.jsonl · 8 live, 0 stored, 0 failed',
    )

    server.reset()
    logged.length = 0
    expect(await main(args())).toBe(0)
    expect(server.chatRequests).toHaveLength(0)
    expect(logged.join('\n')).toContain('0 live, 8 stored, 0 failed')
    expect(
      readJson(join(dir, '.vitest-rubric', 'calibration', `${judgeId}.json`)).dimensions.relevance?.spearman,
    ).toEqual(relevance.spearman)
  })

  test('judges at most --concurrency rows at once', async () => {
    const held = gate()
    scriptQuality(held.promise)
    // The bound itself is checked in calibration-pool.test.ts, where no I/O can make it pass by accident; this
    // checks that --concurrency reaches it.
    const run = main([...args(), '--concurrency', '3', '--no-write'])
    await server.received(3)
    held.open()
    expect(await run).toBe(0)
    expect(server.chatRequests).toHaveLength(8)
    expect(server.maxInFlight).toBe(3)
  })

  test('with a higher --concurrency more rows are judged at once (the check above can fail)', async () => {
    const held = gate()
    scriptQuality(held.promise)
    const run = main([...args(), '--concurrency', '8', '--no-write'])
    await server.received(8)
    held.open()
    expect(await run).toBe(0)
    expect(server.maxInFlight).toBe(8)
  })

  test('a failing judge call is counted and reported, never scored', async () => {
    server.respond((request) => {
      const output = judgedOutput(request)
      if (output.startsWith('answer 0 ') || output.startsWith('answer 1 ')) {
        return reply.status(500, {}, { error: { message: 'judge exploded' } })
      }
      const quality = Number(/quality:(\d)/.exec(output)?.[1])
      return reply.verdict(
        Object.fromEntries(requestedVerdict(request.body).dimensions.map((name) => [name, quality])),
      )
    })
    expect(await main([...args(), '--no-write'])).toBe(0)
    const output = logged.join('\n')
    expect(output).toContain('6 live, 0 stored, 2 failed')
    expect(output).toMatch(/n \(errors\)\s+6 \(2\)/)
    expect(output).toMatch(/2 rows failed with RUBRIC_JUDGE_HTTP/)
  })
})

test('the conversion script is kept beside the fixtures it wrote', () => {
  expect(existsSync(join(repoRoot, 'scripts', 'calibration-sets.mjs'))).toBe(true)
  expect(readFileSync(join(repoRoot, 'fixtures', 'calibration', 'LICENSE-unieval'), 'utf8')).toContain(
    'MIT License',
  )
})
