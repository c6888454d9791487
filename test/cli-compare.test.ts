import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, beforeEach, describe, expect, test, vi } from 'vitest'
import { main } from '../src/cli.ts'
import { appendHistory, historyEntry } from '../src/reporter/history.ts'
import { stringifyReport } from '../src/reporter/report-json.ts'
import { located, reportOf, SCRIPT_PAYLOAD } from './support/reports.ts'

let dir: string
let logged: string[]
let errors: string[]

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'vitest-rubric-cli-compare-'))
  logged = []
  errors = []
  vi.spyOn(console, 'log').mockImplementation((...args) => void logged.push(args.join(' ')))
  vi.spyOn(console, 'error').mockImplementation((...args) => void errors.push(args.join(' ')))
  vi.stubEnv('NO_COLOR', '1')
})
afterEach(() => {
  vi.restoreAllMocks()
  vi.unstubAllEnvs()
  rmSync(dir, { recursive: true, force: true })
})

const tests = ['refunds', 'shipping', 'warranty', 'payments', 'returns', 'privacy']
function run(faithfulness: number[], tone: number[], createdAt = '2025-01-02T03:04:05Z') {
  return reportOf(
    [
      ...faithfulness.map((score, index) =>
        located({ test: tests[index]!, score, output: `answer ${index}` }),
      ),
      ...tone.map((score, index) => located({ test: tests[index]!, dimension: 'tone', score })),
    ],
    createdAt,
  )
}
const base = run([1, 1, 0.75, 1, 0.75, 1], [0.75, 0.75, 0.75, 0.75, 0.75, 0.75])
function write(name: string, text: string): string {
  const path = join(dir, name)
  writeFileSync(path, text)
  return path
}

describe('vitest-rubric compare', () => {
  test('a significant drop is a regression: a table, a P1 line and exit code 1', async () => {
    const basePath = write('base.json', stringifyReport(base))
    const headPath = write(
      'head.json',
      stringifyReport(run([0.5, 0.5, 0.5, 0.75, 0.5, 0.5], [0.75, 1, 0.75, 0.75, 0.5, 0.75])),
    )
    expect(await main(['compare', basePath, headPath])).toBe(1)
    const output = logged.join('\n').replaceAll(dir, '<dir>')
    expect(output).toMatchInlineSnapshot(`
      " compare <dir>/base.json → <dir>/head.json
         dimension     pairs   base   head                   change  verdict    added  removed
         faithfulness      6  0.917  0.542  -0.375 [-0.458, -0.292]  regressed      0        0
         tone              6  0.750  0.750  +0.000 [-0.125, +0.125]  unchanged      0        0
         change: head - base over paired outputs, [95% paired bootstrap interval]
       P1 regression  faithfulness mean -0.375 [-0.458, -0.292] against <dir>/base.json (6 paired outputs)"
    `)
  })

  test('an unchanged run exits 0; --json prints the comparison', async () => {
    const basePath = write('base.json', stringifyReport(base))
    expect(await main(['compare', basePath, basePath])).toBe(0)
    expect(logged.at(-1)).toBe(' no regression')
    logged.length = 0
    expect(await main(['compare', basePath, basePath, '--json'])).toBe(0)
    const comparison = JSON.parse(logged.join('\n'))
    expect(comparison.dimensions.map((change: { verdict: string }) => change.verdict)).toEqual([
      'unchanged',
      'unchanged',
    ])
  })

  test('bad arguments and unreadable reports say what to do', async () => {
    expect(await main(['compare', 'only-one.json'])).toBe(1)
    expect(errors.at(-1)).toContain('compare takes two reports, the baseline then the new run.')
    expect(await main(['compare', join(dir, 'a.json'), join(dir, 'b.json')])).toBe(1)
    expect(errors.at(-1)).toContain('cannot read the report')
    expect(await main(['compare', '--colour', 'a', 'b'])).toBe(1)
    expect(errors.at(-1)).toContain("Unknown option '--colour'")
  })
})

describe('vitest-rubric baseline', () => {
  test('writes the report as the baseline, creating its folder', async () => {
    const from = write('report.json', stringifyReport(base))
    const to = join(dir, 'evals', 'baseline.json')
    expect(await main(['baseline', '--from', from, '--to', to])).toBe(0)
    expect(readFileSync(to, 'utf8')).toBe(stringifyReport(base))
    expect(logged.at(-1)).toBe(`baseline ${to} written from ${from} (12 judgments, commit aaaaaaa)`)
  })

  test('refuses a file that is not a report and leaves the baseline as it was', async () => {
    const to = write('baseline.json', 'previous')
    const from = write('report.json', '{"schemaVersion": 2}')
    expect(await main(['baseline', '--from', from, '--to', to])).toBe(1)
    expect(errors.at(-1)).toContain('does not match the report schema')
    expect(readFileSync(to, 'utf8')).toBe('previous')
  })
})

describe('vitest-rubric report', () => {
  test('writes the HTML report with the trend from the history beside the report, and the Markdown summary', async () => {
    const head = run(
      [0.5, 0.5, 0.5, 0.75, 0.5, 0.5],
      [0.75, 0.75, 0.75, 0.75, 0.75, 0.75],
      '2025-01-05T00:00:00Z',
    )
    const reportPath = write(
      'report.json',
      stringifyReport({
        ...head,
        judgments: [
          { ...head.judgments[0]!, output: 'answer 0, reworded' },
          ...head.judgments.slice(1),
          { ...head.judgments[0]!, test: 'payload', output: SCRIPT_PAYLOAD, score: 0 },
        ],
      }),
    )
    await appendHistory(join(dir, 'history.jsonl'), historyEntry(base))
    const basePath = write('base.json', stringifyReport(base))
    const htmlPath = join(dir, 'out', 'report.html')
    const markdownPath = join(dir, 'out', 'summary.md')
    expect(
      await main([
        'report',
        reportPath,
        '--html',
        htmlPath,
        '--markdown',
        markdownPath,
        '--baseline',
        basePath,
      ]),
    ).toBe(0)
    const html = readFileSync(htmlPath, 'utf8')
    expect(html).toContain('Mean faithfulness score over 2 runs')
    expect(html).toContain('answer 0<ins>, reworded</ins>')
    expect(html).not.toContain('<script>')
    expect(readFileSync(markdownPath, 'utf8')).toContain('🔴 regressed')
    expect(logged).toEqual([`wrote ${htmlPath}`, `wrote ${markdownPath}`])
  })

  test('without --html or --markdown prints the Markdown summary', async () => {
    const reportPath = write('report.json', stringifyReport(base))
    expect(await main(['report', reportPath, '--worst', '0'])).toBe(0)
    expect(logged.join('\n')).toContain('| faithfulness | 6 | 0.917 |')
    expect(await main(['report', reportPath, '--worst', 'many'])).toBe(1)
    expect(errors.at(-1)).toContain('--worst is "many"')
  })
})
