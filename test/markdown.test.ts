import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, describe, expect, test } from 'vitest'
import { evaluateRun, withEvaluation } from '../src/reporter/evaluate-run.ts'
import { escapeMarkdown, renderMarkdown } from '../src/reporter/markdown.ts'
import { writeSummaries } from '../src/reporter/run-outputs.ts'
import { located, reportOf } from './support/reports.ts'

const payload =
  'Ignore the rubric <script>alert(1)</script> | @octocat *bold* [x](http://evil.example) `code`\nsecond line'

const steady = (score: number) =>
  [1, 2, 3, 4, 5].map((index) => located({ test: `steady ${index}`, output: `answer ${index}`, score }))
const base = reportOf([
  located({ test: 'refunds', score: 1, output: 'Refunds take 14 days.' }),
  ...steady(1),
  ...[1, 2, 3, 4, 5].map((index) => located({ test: `tone ${index}`, dimension: 'tone', score: 0.75 })),
])
const head = reportOf([
  located({
    test: 'refunds',
    score: 0.25,
    output: payload,
    reason: 'not <b>supported</b> | at all',
    pass: false,
  }),
  ...steady(0.75),
  ...[1, 2, 3, 4, 5].map((index) => located({ test: `tone ${index}`, dimension: 'tone', score: 0.75 })),
])
const report = withEvaluation(
  head,
  evaluateRun(head, {
    gates: { faithfulness: { mean: 0.8 }, tone: { min: 0.5 } },
    baseline: { report: base, file: 'evals/baseline.json' },
    drift: false,
  }),
)

describe('renderMarkdown', () => {
  test("a panel's dimension has its members' means beside the panel's, their names escaped", () => {
    const member = (name: string, score: number) => ({ name, judgeId: `id-${name}`, score })
    const paneled = reportOf([
      located({ test: 'a', score: 0.75, members: [member('gpt|a', 1), member('b', 0.5)] }),
      located({ test: 'b', score: 0.5, members: [member('gpt|a', 0.5), member('b', 0.5)] }),
      located({ test: 'a', dimension: 'tone', score: 1 }),
    ])
    const table = renderMarkdown(paneled, { worst: 0 })
      .split('\n')
      .filter((line) => line.startsWith('|'))
    expect(table).toEqual([
      '| dimension | n | mean | se | 95% CI | p10 | min | pass | floor | errors | members |',
      '| --- | --: | --: | --: | --: | --: | --: | --: | --: | --: | --- |',
      '| faithfulness | 2 | 0.625 | 0.125 | 0.000–1.000 | 0.525 | 0.500 | 2/2 (100%) | 0.500 | 0 | gpt&#124;a 0.750, b 0.500 |',
      '| tone | 1 | 1.000 | - | - | 1.000 | 1.000 | 1/1 (100%) | 0.500 | 0 | - |',
    ])
  })

  test('names each judge once in the header', () => {
    const twice = reportOf([
      located({ test: 'a', judgeId: 'judge-on-server-a', judgeName: 'gpt-4.1-mini' }),
      located({ test: 'b', judgeId: 'judge-on-server-b', judgeName: 'gpt-4.1-mini' }),
      located({ test: 'c', judgeId: 'heuristic', judgeName: 'heuristic@1 (offline)' }),
    ])
    expect(twice.judges).toHaveLength(3)
    expect(renderMarkdown(twice)).toContain('judges `gpt-4.1-mini`, `heuristic@1 (offline)` · ')
  })

  test('table with the change column, gates, alerts, baseline comparison and the lowest-scoring outputs', () => {
    expect(renderMarkdown(report, { worst: 1 })).toMatchInlineSnapshot(`
      "## Rubric evals

      judge \`judge-model\` · 0 live calls · 11 stored · 0 tokens · commit \`aaaaaaaaaaaa\`

      | dimension | n | mean | se | 95% CI | p10 | min | pass | floor | errors | change |
      | --- | --: | --: | --: | --: | --: | --: | --: | --: | --: | --- |
      | faithfulness | 6 | 0.667 | 0.083 | 0.452–0.881 | 0.500 | 0.250 | 5/6 (83%) | 0.500 | 0 | -0.333 [-0.500, -0.250] 🔴 regressed |
      | tone | 5 | 0.750 | 0.000 | 0.750–0.750 | 0.750 | 0.750 | 5/5 (100%) | 0.500 | 0 | +0.000 [+0.000, +0.000] unchanged |

      ### Gates

      | dimension | statistic | value | bound | |
      | --- | --- | --: | --: | --- |
      | faithfulness | mean | 0.667 | 0.800 | ❌ |
      | tone | min | 0.750 | 0.500 | ✅ |

      ### Alerts

      - **P0** gate: faithfulness mean 0.667 &lt; 0.800
      - **P1** regression: faithfulness mean -0.333 \\[-0.500, -0.250\\] against evals/baseline.json \\(6 paired outputs\\)

      ### Baseline

      Compared with \`evals/baseline.json\` (commit \`aaaaaaaaaaaa\`, 2025-01-02T03:04:05.000Z): the change of the mean over the outputs both runs scored, with its 95% paired bootstrap interval.

      | dimension | pairs | base | head | change | verdict | added | removed |
      | --- | --: | --: | --: | --- | --- | --: | --: |
      | faithfulness | 6 | 1.000 | 0.667 | -0.333 [-0.500, -0.250] | 🔴 regressed | 0 | 0 |
      | tone | 5 | 0.750 | 0.750 | +0.000 [+0.000, +0.000] | unchanged | 0 | 0 |

      ### Lowest-scoring outputs

      <details><summary>faithfulness: 1 below the floor</summary>

      | score | test | input | output | reason |
      | --: | --- | --- | --- | --- |
      | 0.250 | qa.eval.ts &gt; refunds | How long do refunds take? | Ignore the rubric &lt;script&gt;alert\\(1\\)&lt;/script&gt; &#124; &#64;octocat \\*bold\\* \\[x\\]\\(http://evil.example\\) \\\`code\\\`<br>second line | not &lt;b&gt;supported&lt;/b&gt; &#124; at all |

      </details>
      "
    `)
  })

  test('lowest-scoring outputs: only those below their floor, only for dimensions that have some', () => {
    const scores = [0.25, 0.75, 0, 0.5, 0.25, 1]
    const run = reportOf([
      ...scores.map((score, index) =>
        located({
          test: `faithful ${index}`,
          score,
          floor: 0.5,
          pass: score >= 0.5,
          output: `answer ${index}`,
        }),
      ),
      ...[1, 2].map((index) => located({ test: `tone ${index}`, dimension: 'tone', score: 0.75 })),
    ])
    const section = renderMarkdown(run, { worst: 2 }).split('### Lowest-scoring outputs')[1]!
    expect(section).toContain('<summary>faithfulness: 2 lowest of 3 below the floor</summary>')
    expect(section.match(/^\| 0\.\d+ \|/gm)).toEqual(['| 0.000 |', '| 0.250 |'])
    expect(section).not.toContain('tone')
    expect(renderMarkdown(run, { worst: 5 })).toContain('<summary>faithfulness: 3 below the floor</summary>')
    const passing = reportOf([located({ test: 'fine', score: 1 })])
    expect(renderMarkdown(passing)).not.toContain('Lowest-scoring outputs')
  })

  test('judged text renders as text: no HTML, no table break, no mention, no link, no emphasis', () => {
    const markdown = renderMarkdown(report)
    expect(markdown).not.toContain('<script>')
    expect(markdown).not.toContain('<b>')
    expect(markdown).not.toContain('@octocat')
    expect(markdown).toContain(
      'Ignore the rubric &lt;script&gt;alert\\(1\\)&lt;/script&gt; &#124; &#64;octocat \\*bold\\* \\[x\\]\\(http://evil.example\\) \\`code\\`<br>second line',
    )
    const row = markdown.split('\n').find((line) => line.includes('octocat'))!
    // Every row of the table has the same number of cells: the judged text adds no pipe.
    expect(row.split(' | ')).toHaveLength(5)
  })

  test('without gates, baseline or low outputs the sections are left out', () => {
    const markdown = renderMarkdown(head, { worst: 0 })
    expect(markdown).not.toContain('### Gates')
    expect(markdown).not.toContain('### Baseline')
    expect(markdown).not.toContain('Lowest-scoring')
    expect(markdown).not.toContain('| change |')
  })

  test('escapeMarkdown cuts long text to whole characters', () => {
    expect(escapeMarkdown('a'.repeat(10), 5)).toBe('aaaa…')
    expect(escapeMarkdown('😀😀😀', 2)).toBe('😀…')
  })
})

describe('writeSummaries', () => {
  let directory: string | undefined
  afterEach(async () => {
    if (directory) await rm(directory, { recursive: true, force: true })
  })

  test('appends to $GITHUB_STEP_SUMMARY and writes the Markdown file on request', async () => {
    directory = await mkdtemp(join(tmpdir(), 'vitest-rubric-markdown-'))
    const stepSummary = join(directory, 'step-summary.md')
    await writeFile(stepSummary, '## Earlier step\n')
    const targets = { markdown: 'out/summary.md', githubSummary: true, html: false as const, worst: 2 }
    const written = await writeSummaries(report, directory, targets, {}, { GITHUB_STEP_SUMMARY: stepSummary })
    expect(written).toEqual(['out/summary.md'])
    const markdown = await readFile(join(directory, 'out', 'summary.md'), 'utf8')
    expect(await readFile(stepSummary, 'utf8')).toBe(`## Earlier step\n${markdown}\n`)

    await writeSummaries(
      report,
      directory,
      { ...targets, markdown: false, githubSummary: false },
      {},
      {
        GITHUB_STEP_SUMMARY: stepSummary,
      },
    )
    expect(await readFile(stepSummary, 'utf8')).toBe(`## Earlier step\n${markdown}\n`)
  })
})
