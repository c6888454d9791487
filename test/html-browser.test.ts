import { mkdir, mkdtemp, rm, stat, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { pathToFileURL } from 'node:url'
import type { Browser, Page } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import type { LocatedRecord } from '../src/reporter/collect.ts'
import { escapeHtml } from '../src/reporter/escape-html.ts'
import { evaluateRun, withEvaluation } from '../src/reporter/evaluate-run.ts'
import type { HistoryEntry } from '../src/reporter/history.ts'
import { renderHtml } from '../src/reporter/html.ts'
import { sourceLinks } from '../src/reporter/source-links.ts'
import { CHROMIUM_SKIP_NOTE, chromiumAvailable, launchChromium } from './support/chromium.ts'
import { conversationReport } from './support/conversation-report.ts'
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

/** Three dimensions: an LLM judge's, the heuristic judge's and a check's, each output with its line. */
function polishedReport() {
  return reportOf([
    ...[0.25, 0.5, 1].map((score, index) =>
      located({
        test: `refunds > case ${index}`,
        file: 'evals/refunds.eval.ts',
        line: 14 + index * 6,
        dimension: 'relevance',
        judgeName: 'gpt-4.1-mini',
        model: 'gpt-4.1-mini',
        score,
        pass: score >= 0.5,
      }),
    ),
    withoutModel(
      located({
        file: 'evals/refunds.eval.ts',
        line: 40,
        dimension: 'faithfulness',
        judgeName: 'heuristic@1 (offline)',
        score: 0.4,
        pass: false,
      }),
    ),
    withoutModel(
      located({
        file: 'evals/refunds.eval.ts',
        line: 41,
        dimension: 'contains-all',
        judgeName: 'check',
        score: 1,
      }),
    ),
  ])
}

/** The heuristic judge and the checks name no model. */
function withoutModel({ model: _model, ...record }: LocatedRecord): LocatedRecord {
  return record
}

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

  test('a low-scoring conversation is a chat: a hostile tool result shows as text, its link goes to the call', async ({
    skip,
  }) => {
    skip(!chromiumAvailable, CHROMIUM_SKIP_NOTE)
    const { page, ran } = await open('conversation.html', renderHtml(conversationReport()))
    expect(ran).toMatchObject({ pwned: false, dialogs: [], requests: [] })
    const chat = page.locator('section#dimension-toolUse ol.chat')
    expect(await chat.locator('li.msg').evaluateAll((items) => items.map((item) => item.className))).toEqual([
      'msg system',
      'msg user',
      'msg assistant',
      'msg tool',
      'msg assistant',
    ])
    expect(await chat.locator('li.msg.tool pre').textContent()).toContain(SCRIPT_PAYLOAD)
    expect(await chat.locator('li.call pre').textContent()).toContain(IMG_PAYLOAD.replaceAll('"', '\\"'))
    await chat.locator('a.answers').click()
    expect(new URL(page.url()).hash).toBe('#dimension-toolUse-0-call_1')
    expect(await chat.locator('li.call:target code').textContent()).toBe('lookupOrder')
    await closed(page)
  })

  test('shows per dimension the judge and its calibration, and links each low-scoring output to its line', async ({
    skip,
  }) => {
    skip(!chromiumAvailable, CHROMIUM_SKIP_NOTE)
    const polished = {
      ...polishedReport(),
      calibration: { relevance: { text: 'ρ 0.71 (n 120)', tone: 'ok' as const } },
    }
    const github = sourceLinks(
      '/work/repo/app',
      '/work/repo/app/.vitest-rubric/report.html',
      polished.commit,
      {
        GITHUB_SERVER_URL: 'https://github.com',
        GITHUB_REPOSITORY: 'acme/support-bot',
        GITHUB_WORKSPACE: '/work/repo',
      },
    )
    const { page } = await open('polished.html', renderHtml(polished, { sources: github, history }))
    const judged = await page.$$eval('section.dimension', (sections) =>
      sections.map((section) => [
        section.querySelector('h2')?.textContent,
        section.querySelector('p.judged')?.textContent,
      ]),
    )
    expect(judged).toEqual([
      ['contains-all', 'judge check'],
      ['faithfulness', 'judge heuristic@1 (offline) · calibration not measured (vitest-rubric calibrate)'],
      ['relevance', 'judge gpt-4.1-mini · calibration ρ 0.71 (n 120)'],
    ])
    const links = await page.$$eval('section#dimension-relevance a.source', (anchors) =>
      anchors.map((anchor) => [anchor.textContent, anchor.getAttribute('href')]),
    )
    expect(links[0]).toEqual([
      'evals/refunds.eval.ts:14',
      `https://github.com/acme/support-bot/blob/${'a'.repeat(40)}/app/evals/refunds.eval.ts#L14`,
    ])
    if (process.env.VITEST_RUBRIC_SCREENSHOTS) {
      await mkdir(join(repoRoot, 'docs'), { recursive: true })
      await page.setViewportSize({ width: 1200, height: 1500 })
      await page.screenshot({ path: join(repoRoot, 'docs', 'html-report.png') })
    }
    await closed(page)
  })

  test('a link on disk opens the eval file, relative to the report', async ({ skip }) => {
    skip(!chromiumAvailable, CHROMIUM_SKIP_NOTE)
    const project = join(directory, 'project')
    await mkdir(join(project, 'evals'), { recursive: true })
    await mkdir(join(project, '.vitest-rubric'), { recursive: true })
    await writeFile(join(project, 'evals', 'refunds.eval.ts'), "test('refunds', () => {})\n")
    const htmlPath = join(project, '.vitest-rubric', 'report.html')
    const html = renderHtml(polishedReport(), { sources: sourceLinks(project, htmlPath, null, {}) })
    const { page } = await open(join('project', '.vitest-rubric', 'report.html'), html)
    await page.click('section#dimension-relevance a.source')
    await page.waitForURL(/refunds\.eval\.ts$/)
    expect(page.url()).toBe(pathToFileURL(join(project, 'evals', 'refunds.eval.ts')).href)
    await closed(page)
  })

  test('1,000 judgments make a report under 2 MB that opens with every dimension', async ({ skip }) => {
    const long = (seed: number) =>
      `${'Refunds take 30 days under the refund policy. '.repeat(44)}${seed}`.slice(0, 2001)
    const dimensions = ['faithfulness', 'relevance', 'tone', 'safety']
    const records = Array.from({ length: 1000 }, (_, index) =>
      located({
        test: `suite > case ${Math.floor(index / dimensions.length)}`,
        dimension: dimensions[index % dimensions.length]!,
        score: (index % 11) / 10,
        pass: (index % 11) / 10 >= 0.5,
        line: 10 + (index % 300),
        file: `evals/file-${index % 8}.eval.ts`,
        input: long(index),
        output: long(index + 1),
        reason: `the answer ${'cites the policy and '.repeat(10)}${index}`,
      }),
    )
    const big = reportOf(records)
    const bigBaseline = reportOf(
      records.map((record) => ({ ...record, output: `${record.output} (before)` })),
    )
    const bigHistory: HistoryEntry[] = Array.from({ length: 200 }, (_, index) => ({
      time: new Date(Date.UTC(2025, 0, 1) + index * 86_400_000).toISOString(),
      commit: 'b'.repeat(40),
      dimensions: Object.fromEntries(dimensions.map((name) => [name, { mean: 0.7, n: 250, passRate: 0.8 }])),
    }))
    const html = renderHtml(big, {
      baseline: bigBaseline,
      history: bigHistory,
      sources: { base: '../', lineAnchor: false },
    })
    expect(big.judgments).toHaveLength(1000)
    expect(Buffer.byteLength(html)).toBeLessThan(2 * 1024 * 1024)
    skip(!chromiumAvailable, CHROMIUM_SKIP_NOTE)
    const { page } = await open('big.html', html)
    expect(await page.$$eval('section.dimension', (sections) => sections.length)).toBe(4)
    expect(await page.$$eval('article.output a.source', (anchors) => anchors.length)).toBe(20)
    await closed(page)
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
