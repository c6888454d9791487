import { describe, expect, test } from 'vitest'
import { evaluateRun, withEvaluation } from '../src/reporter/evaluate-run.ts'
import type { HistoryEntry } from '../src/reporter/history.ts'
import { renderHtml } from '../src/reporter/html.ts'
import { histogramCounts, histogramSvg, trendSvg } from '../src/reporter/html-charts.ts'
import { sourceHref, sourceLinks } from '../src/reporter/source-links.ts'
import { IMG_PAYLOAD, located, reportOf, SCRIPT_PAYLOAD } from './support/reports.ts'

const base = reportOf([
  located({ test: 'refunds', score: 1, output: 'Refunds take 14 days from the day we receive the item.' }),
  located({ test: 'shipping', score: 0.75, output: 'Shipping is free over 50 euros.' }),
])
const head = reportOf(
  [
    located({
      test: 'refunds',
      score: 0.25,
      output: 'Refunds take 30 days from the day we receive the item.',
    }),
    located({ test: 'shipping', score: 0.75, output: 'Shipping is free over 50 euros.' }),
    located({
      test: 'injection "quoted" <test>',
      score: 0,
      pass: false,
      input: `${IMG_PAYLOAD} what?`,
      output: `Sure. ${SCRIPT_PAYLOAD} ${IMG_PAYLOAD}`,
      reason: `echoes markup ${SCRIPT_PAYLOAD}`,
    }),
    located({ test: 'refunds', dimension: 'odd "name" <dim>', score: 0.5, floor: 0.75, pass: false }),
  ],
  '2025-01-03T00:00:00Z',
)
const report = withEvaluation(
  head,
  evaluateRun(head, {
    gates: { faithfulness: { mean: 0.9 } },
    baseline: { report: base, file: 'evals/baseline.json' },
    drift: false,
  }),
)
const history: HistoryEntry[] = [
  {
    time: '2025-01-01T00:00:00.000Z',
    commit: 'b'.repeat(40),
    dimensions: { faithfulness: { mean: 0.9, n: 2, passRate: 1 } },
  },
  {
    time: '2025-01-02T00:00:00.000Z',
    commit: null,
    dimensions: { faithfulness: { mean: 0.85, n: 2, passRate: 1 } },
  },
]

describe('renderHtml', () => {
  const html = renderHtml(report, { baseline: base, history })

  test('one self-contained page: inline style, no script, nothing fetched, and a policy that forbids both', () => {
    expect(html.startsWith('<!doctype html>')).toBe(true)
    expect(html).toContain(
      `<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'; img-src data:;`,
    )
    expect(html).not.toMatch(/<(script|img|link|iframe|object|embed|base|form)\b/i)
    expect(html).not.toMatch(/ (src|href|action)="(?!#)/i)
  })

  test('every judged text is escaped, in content and in attributes', () => {
    expect(html).toContain(
      'Sure. &lt;script&gt;document.title = &quot;pwned&quot;; window.__pwned = true; alert(1)&lt;/script&gt;',
    )
    expect(html).toContain(
      '&lt;img src=x onerror=&quot;document.title = &#39;pwned&#39;; window.__pwned = true; alert(2)&quot;&gt; what?',
    )
    expect(html).toContain('injection &quot;quoted&quot; &lt;test&gt;')
    expect(html).toContain('<h2>odd &quot;name&quot; &lt;dim&gt;</h2>')
    expect(html).toContain('id="dimension-odd.20.22name.22.20.3cdim.3e"')
    expect(html).not.toContain('onerror="')
  })

  test('a histogram and a trend per dimension, with the floor marked', () => {
    expect(html.match(/<svg class="chart histogram"/g)).toHaveLength(2)
    expect(html.match(/<svg class="chart trend"/g)).toHaveLength(2)
    expect(html).toContain('<title>floor 0.50</title>')
    expect(html).toContain('<title>floor 0.75</title>')
    // Two runs of history and this one: a line through three points.
    expect(html).toMatch(/<polyline class="trend" points="[\d.]+,[\d.]+ [\d.]+,[\d.]+ [\d.]+,[\d.]+"\/>/)
  })

  test('the table, gates and alerts, and for changed outputs a word diff against the baseline', () => {
    expect(html).toContain('<td class="change incomparable">-0.375 [-0.750, +0.000] too few pairs</td>')
    expect(html).toContain('<th scope="col">mean</th><th scope="col">se</th><th scope="col">95% CI</th>')
    expect(html).toContain('<li class="gate failed">faithfulness mean 0.333 &lt; 0.900</li>')
    expect(html).toContain('<strong>P0</strong> gate')
    expect(html).toContain('baseline scored 1.000, now 0.250')
    expect(html).toContain('Refunds take <del>14</del><ins>30</ins> days')
    // The unchanged output has no diff.
    expect(html.match(/class="diff"/g)).toHaveLength(1)
  })

  test('without history the trend has the run alone', () => {
    const alone = renderHtml(head)
    expect(alone).toContain('Mean faithfulness score over 1 run')
    expect(alone).not.toContain('<polyline')
  })
})

describe('intervals on the charts', () => {
  const run = report.summary.run.faithfulness!
  const baseRun = base.summary.run.faithfulness!
  // The plot spans x 34 to 348 for scores 0 to 1: a band's edges give back the interval they were drawn from.
  const scoreAt = (x: number) => (x - 34) / 314
  const bands = (page: string, kind: string) =>
    [
      ...page.matchAll(
        new RegExp(`<rect class="interval ${kind}" x="([\\d.]+)" y="[\\d.]+" width="([\\d.]+)"`, 'g'),
      ),
    ].map((match) => [scoreAt(Number(match[1])), scoreAt(Number(match[1]) + Number(match[2]))])

  test("the run's and the baseline's means are drawn over the band of their 95% intervals", () => {
    const html = renderHtml(report, { baseline: base, history })
    expect(run.meanLow).toBeTypeOf('number')
    expect(baseRun.meanLow).toBeTypeOf('number')
    const [runBand] = bands(html, 'mean')
    expect(runBand![0]).toBeCloseTo(run.meanLow!, 2)
    expect(runBand![1]).toBeCloseTo(run.meanHigh!, 2)
    const [baseBand] = bands(html, 'baseline')
    expect(baseBand![0]).toBeCloseTo(baseRun.meanLow!, 2)
    expect(baseBand![1]).toBeCloseTo(baseRun.meanHigh!, 2)
    expect(html).toContain(
      `<title>mean ${run.mean!.toFixed(3)} (95% CI ${run.meanLow!.toFixed(3)}–${run.meanHigh!.toFixed(3)})</title>`,
    )
    expect(html).toContain(
      `<title>baseline mean ${baseRun.mean!.toFixed(3)} (95% CI ${baseRun.meanLow!.toFixed(3)}–${baseRun.meanHigh!.toFixed(3)})</title>`,
    )
    expect(html).toContain(
      'Scores (n = 3); mean (solid line) over its 95% interval, baseline mean (dashed) over its 95% interval',
    )
  })

  test('a baseline written before intervals shows its mean alone, never an interval made up for it', () => {
    const older = structuredClone(base)
    for (const stats of Object.values(older.summary.run)) {
      delete stats.meanSe
      delete stats.meanLow
      delete stats.meanHigh
    }
    const html = renderHtml(report, { baseline: older })
    expect(bands(html, 'baseline')).toEqual([])
    expect(html).toContain(`<title>baseline mean ${baseRun.mean!.toFixed(3)} (no interval)</title>`)
    expect(html).toMatch(/<line class="mean baseline" x1="([\d.]+)" x2="\1"/)
    expect(html).toContain('baseline mean (dashed; no interval known)')
    // The run's own interval is still drawn.
    expect(bands(html, 'mean')).toHaveLength(1)
  })

  test('a dimension with one score has no interval to draw', () => {
    const single = reportOf([located({ test: 'refunds', score: 0.5 })])
    const html = renderHtml(single)
    expect(single.summary.run.faithfulness!.meanLow).toBeNull()
    expect(html).not.toContain('class="interval')
    expect(html).toContain('<title>mean 0.500 (no interval)</title>')
  })

  test('each trend point that recorded an interval gets a bar over it; older history lines get none', () => {
    const withIntervals: HistoryEntry[] = [
      history[0]!,
      {
        ...history[1]!,
        dimensions: { faithfulness: { mean: 0.85, meanLow: 0.7, meanHigh: 0.95, n: 2, passRate: 1 } },
      },
    ]
    const html = renderHtml(report, { history: withIntervals })
    const faithfulness = html.slice(html.indexOf('id="dimension-faithfulness"'))
    const trend = faithfulness.slice(faithfulness.indexOf('<svg class="chart trend"'))
    const bars = [
      ...trend.matchAll(/<line class="interval" x1="[\d.]+" x2="[\d.]+" y1="([\d.]+)" y2="([\d.]+)">/g),
    ]
    // The plot spans y 152 (score 0) to 16 (score 1).
    const scoreAtY = (y: number) => (152 - y) / 136
    // The first history line has none; the second and this run's have theirs.
    expect(bars.map((bar) => [scoreAtY(Number(bar[1])), scoreAtY(Number(bar[2]))])).toEqual([
      [expect.closeTo(0.95, 2), expect.closeTo(0.7, 2)],
      [expect.closeTo(run.meanHigh!, 2), expect.closeTo(run.meanLow!, 2)],
    ])
    expect(trend).toContain('<title>2025-01-01T00:00:00.000Z bbbbbbb: 0.900 (no interval)</title>')
    expect(trend).toContain('<title>2025-01-02T00:00:00.000Z: 0.850 (95% CI 0.700–0.950)</title>')
  })
})

describe('charts', () => {
  test('ten bins over [0, 1], the last one holding 1', () => {
    expect(histogramCounts([0, 0.05, 0.1, 0.25, 0.5, 0.75, 0.99, 1, 1])).toEqual([
      2, 1, 1, 0, 0, 1, 0, 1, 0, 3,
    ])
  })

  test('sizes are set on the svg so that it is drawn at that size without a stylesheet', () => {
    expect(histogramSvg([0.5], 0.5, 'x')).toMatch(
      /^<svg class="chart histogram" [^>]*width="360" height="180"/,
    )
    expect(trendSvg([], null, 'x')).toMatch(/^<svg class="chart trend" [^>]*width="360" height="180"/)
  })
})

describe('sourceLinks', () => {
  const github = {
    GITHUB_SERVER_URL: 'https://github.com',
    GITHUB_REPOSITORY: 'acme/support-bot',
    GITHUB_WORKSPACE: '/work/repo',
  }
  const commit = 'c'.repeat(40)

  test('in GitHub Actions, the file at the run’s commit, with its line', () => {
    const links = sourceLinks(
      '/work/repo/apps/bot',
      '/work/repo/apps/bot/.vitest-rubric/report.html',
      commit,
      github,
    )
    expect(sourceHref(links, 'evals/a b.eval.ts', 12)).toBe(
      `https://github.com/acme/support-bot/blob/${commit}/apps/bot/evals/a%20b.eval.ts#L12`,
    )
  })

  test('elsewhere (no commit, or a root outside the workspace), the file on disk relative to the report', () => {
    expect(
      sourceHref(sourceLinks('/p', '/p/.vitest-rubric/report.html', null, github), 'evals/qa.eval.ts', 3),
    ).toBe('../evals/qa.eval.ts')
    expect(
      sourceHref(sourceLinks('/elsewhere', '/elsewhere/report.html', commit, github), 'qa.eval.ts', 3),
    ).toBe('qa.eval.ts')
  })
})
