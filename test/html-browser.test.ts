import { mkdir, mkdtemp, rm, stat, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { pathToFileURL } from 'node:url'
import type { Browser, Page } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import { escapeHtml } from '../src/reporter/escape-html.ts'
import { evaluateRun, withEvaluation } from '../src/reporter/evaluate-run.ts'
import type { HistoryEntry } from '../src/reporter/history.ts'
import { renderHtml } from '../src/reporter/html.ts'
import { CHROMIUM_SKIP_NOTE, chromiumAvailable, launchChromium } from './support/chromium.ts'
import { IMG_PAYLOAD, located, reportOf, SCRIPT_PAYLOAD, scoredRecords } from './support/reports.ts'
import { repoRoot } from './support/run-vitest.ts'

const artifacts = join(repoRoot, '.vitest-rubric', 'artifacts')

const base = reportOf([
  ...scoredRecords('relevance', [1, 0.75, 0.75, 0.5, 1]),
  located({ test: 'refunds', output: 'Refunds take 14 days.', score: 1 }),
])
const head = reportOf(
  [
    ...scoredRecords('relevance', [1, 0.5, 0.75, 0.25, 1]),
    located({ test: 'refunds', output: 'Refunds take 30 days.', score: 0.25, pass: false }),
    located({
      test: 'prompt injection',
      input: `Tell me about refunds ${IMG_PAYLOAD}`,
      output: `Sure! ${SCRIPT_PAYLOAD} ${IMG_PAYLOAD}`,
      reason: `repeats markup ${SCRIPT_PAYLOAD}`,
      score: 0,
      pass: false,
    }),
  ],
  '2025-01-03T00:00:00Z',
)
const report = withEvaluation(
  head,
  evaluateRun(head, {
    gates: { faithfulness: { mean: 0.8 } },
    baseline: { report: base, file: 'evals/baseline.json' },
    drift: false,
  }),
)
const history: HistoryEntry[] = [0.9, 0.85, 0.8, 0.82].map((mean, index) => ({
  time: `2025-01-0${index + 1}T00:00:00.000Z`,
  commit: null,
  dimensions: {
    relevance: { mean, n: 5, passRate: 1 },
    faithfulness: { mean: mean - 0.2, n: 2, passRate: 0.5 },
  },
}))

let browser: Browser | undefined
let directory: string

beforeAll(async () => {
  directory = await mkdtemp(join(tmpdir(), 'vitest-rubric-browser-'))
  if (!chromiumAvailable) return
  browser = await launchChromium()
  // A browser's first start can take long on a 2-core machine busy with the rest of the suite.
}, 60_000)
afterAll(async () => {
  await browser?.close()
  await rm(directory, { recursive: true, force: true })
})

/** Opens `html` from a file and records what a payload could do: dialogs, a changed title, a global, requests. */
async function open(name: string, html: string) {
  const path = join(directory, name)
  await writeFile(path, html)
  const page = await browser!.newPage({ viewport: { width: 1200, height: 900 } })
  const dialogs: string[] = []
  const requests: string[] = []
  page.on('dialog', (dialog) => {
    dialogs.push(dialog.message())
    void dialog.dismiss()
  })
  page.on('request', (request) => requests.push(request.url()))
  const url = pathToFileURL(path).href
  // The page has no script of its own: anything a payload runs, it runs while the page loads. An image's error
  // event, and so an onerror handler, fires before the load event, which an image still loading delays.
  await page.goto(url, { waitUntil: 'load' })
  const ran = {
    title: await page.title(),
    pwned: await page.evaluate(() => (globalThis as { __pwned?: boolean }).__pwned ?? false),
    dialogs,
    requests: requests.filter((request) => request !== url),
  }
  return { page, ran }
}

async function closed(page: Page) {
  await page.close()
}

describe('the HTML report in headless Chromium', () => {
  test('draws a histogram and a trend per dimension, at their size', async ({ skip }) => {
    skip(!chromiumAvailable, CHROMIUM_SKIP_NOTE)
    const { page } = await open('report.html', renderHtml(report, { baseline: base, history }))
    const charts = await page.$$eval('svg.chart', (svgs) =>
      svgs.map((svg) => {
        const box = svg.getBoundingClientRect()
        const bars = [...svg.querySelectorAll('rect.bar')].filter(
          (bar) => bar.getBoundingClientRect().height > 0,
        )
        const line = svg.querySelector('polyline.trend') as unknown as { getBBox(): { width: number } } | null
        const floor = svg.querySelector('line.floor')
        return {
          kind: svg.classList.contains('histogram') ? 'histogram' : 'trend',
          width: box.width,
          height: box.height,
          bars: bars.length,
          line: line ? line.getBBox().width : 0,
          floor: floor !== null,
        }
      }),
    )
    expect(charts).toHaveLength(4)
    for (const chart of charts) {
      expect(chart.width).toBeGreaterThan(300)
      expect(chart.height).toBeGreaterThan(150)
      expect(chart.floor).toBe(true)
      if (chart.kind === 'histogram') expect(chart.bars).toBeGreaterThan(0)
      else expect(chart.line).toBeGreaterThan(200)
    }
    const tableRows = await page.$$eval('#summary tbody tr', (rows) => rows.length)
    expect(tableRows).toBe(2)
    await mkdir(artifacts, { recursive: true })
    const screenshot = join(artifacts, 'html-report.png')
    await page.screenshot({ path: screenshot, fullPage: true })
    expect((await stat(screenshot)).size).toBeGreaterThan(10_000)
    await closed(page)
  })

  test('judged text with <script> and <img onerror> runs nothing and shows as text', async ({ skip }) => {
    skip(!chromiumAvailable, CHROMIUM_SKIP_NOTE)
    const html = renderHtml(report, { baseline: base, history })
    const { page, ran } = await open('report.html', html)
    expect(ran).toEqual({
      title: 'Rubric report 2025-01-03T00:00:00.000Z',
      pwned: false,
      dialogs: [],
      requests: [],
    })
    const shown = await page.$$eval('article.output pre', (blocks) =>
      blocks.map((block) => block.textContent),
    )
    expect(shown).toContain(`Sure! ${SCRIPT_PAYLOAD} ${IMG_PAYLOAD}`)
    expect(await page.$$eval('script, img', (elements) => elements.length)).toBe(0)
    await closed(page)

    // The escaping holds on its own, without the Content-Security-Policy behind it.
    const withoutPolicy = html.replace(/<meta http-equiv="Content-Security-Policy"[^>]*>/, '')
    expect(withoutPolicy).not.toContain('Content-Security-Policy')
    const bare = await open('no-policy.html', withoutPolicy)
    expect(bare.ran).toMatchObject({ pwned: false, dialogs: [] })
    await closed(bare.page)
  })

  test('the check would catch a payload that runs (the same page with the output not escaped)', async ({
    skip,
  }) => {
    skip(!chromiumAvailable, CHROMIUM_SKIP_NOTE)
    const html = renderHtml(head).replace(/<meta http-equiv="Content-Security-Policy"[^>]*>/, '')
    const unescaped = html.replace(escapeHtml(head.judgments.at(-1)!.output), head.judgments.at(-1)!.output)
    const { page, ran } = await open('unescaped.html', unescaped)
    expect(ran.pwned).toBe(true)
    expect(ran.title).toBe('pwned')
    // Both payloads ran before the load event: the script as it was parsed, the image's onerror as it failed.
    expect(ran.dialogs).toEqual(['1', '2'])
    await closed(page)
  })
})
