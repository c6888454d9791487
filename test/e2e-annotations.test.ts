import { mkdirSync, readFileSync, symlinkSync } from 'node:fs'
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { dirname, join } from 'node:path'
import { XMLParser, XMLValidator } from 'fast-xml-parser'
import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import type { EvalsOptions } from '../src/types.ts'
import { CHROMIUM_SKIP_NOTE, chromiumAvailable, launchChromium } from './support/chromium.ts'
import { type JudgeServer, startJudgeServer } from './support/judge-server.ts'
import { copyFixture, repoRoot, runEvals } from './support/run-vitest.ts'
import { scriptQualityJudge } from './support/scripted-judge.ts'
import { serveDirectory } from './support/static-server.ts'

// Vitest's own reporters carry the annotations: each is checked by reading what that reporter wrote.
let server: JudgeServer
let out: string
let root: string
let run: Awaited<ReturnType<typeof runAnnotated>>

const ESC = '\u001b'
const LEAKED_KEY = 'sk-proj-Zq8vT2mW9xK4rB7nP3sL6yD1'

async function runAnnotated(options: Partial<EvalsOptions>, name: string) {
  const junit = join(out, name, 'junit.xml')
  const html = join(out, name, 'html', 'index.html')
  const result = await runEvals(
    root,
    {
      judge: { model: 'judge-model', baseURL: server.baseURL, apiKey: 'test-key', maxRetries: 0 },
      store: 'off',
      ...options,
    },
    {
      cli: {
        reporters: [
          ['default', { summary: false }],
          ['junit', { outputFile: junit }],
          'github-actions',
          // Vitest 4's html reporter writes `outputFile`; Vitest 5's writes `<outputDir>/index.html`.
          ['html', { outputFile: html, outputDir: dirname(html) }],
        ],
      },
    },
  )
  return { ...result, junit: readFileSync(junit, 'utf8'), html: dirname(html) }
}

/** Per test case of a JUnit report, its annotation properties as `type: message`. */
function junitProperties(xml: string): Record<string, string[]> {
  expect(XMLValidator.validate(xml)).toBe(true)
  const parsed = new XMLParser({
    ignoreAttributes: false,
    attributeNamePrefix: '',
    isArray: (name) => ['testsuite', 'testcase', 'property'].includes(name),
  }).parse(xml) as {
    testsuites: {
      testsuite: {
        testcase: { name: string; properties?: { property: { name: string; value: string }[] } }[]
      }[]
    }
  }
  const cases = parsed.testsuites.testsuite.flatMap((suite) => suite.testcase)
  return Object.fromEntries(
    cases.map((testCase) => [
      testCase.name,
      (testCase.properties?.property ?? []).map((property) => `${property.name}: ${property.value}`),
    ]),
  )
}

beforeAll(async () => {
  server = await startJudgeServer()
  scriptQualityJudge(server)
  out = await mkdtemp(join(tmpdir(), 'vitest-rubric-annotations-'))
  root = copyFixture('annotations')
  // Vitest's html reporter loads `@vitest/ui` from the project's root.
  symlinkSync(join(repoRoot, 'node_modules'), join(dirname(root), 'node_modules'), 'junction')
  run = await runAnnotated({}, 'on')
}, 120_000)
afterAll(async () => {
  await server.close()
  await rm(out, { recursive: true, force: true })
  await rm(dirname(root), { recursive: true, force: true })
})

const grounded = [
  'notice: relevance 1.00 >= floor 0.50 · judge judge-model · relevance looks like 5',
  'notice: tone 1.00 >= floor 0.75 · judge judge-model · tone looks like 5',
  'notice: contains-all 1.00 >= floor 1.00 · judge check · contains all 1 item',
]
const curt = 'tone 0.25 < floor 0.75 · judge judge-model · tone looks like 2'
const leaky = 'leaky 0.00 < floor 1.00 · judge scorer · found sk-proj-******** in red across lines'

describe('annotations in Vitest’s own reporters', () => {
  test('junit: every dimension’s score is a property of its test case', () => {
    expect(junitProperties(run.junit)).toEqual({
      'a grounded answer': grounded,
      'a curt answer': [`error: ${curt}`],
      'a leaky scorer': [`error: ${leaky}`],
    })
  })

  test('github-actions: a failed floor is an error on the assertion’s line, a passed one a notice', () => {
    const file = '<root>/answers.eval.ts'
    const commands = run.output
      .split('\n')
      .filter((line) => /^::(notice|error) file=.*,line=\d+,column=\d+::/.test(line))
    const annotations = commands.filter((line) => !line.includes(',title='))
    expect(annotations.sort()).toEqual(
      [
        `::error file=${file},line=23,column=3::${curt}`,
        `::error file=${file},line=27,column=3::${leaky}`,
        `::notice file=${file},line=16,column=3::${grounded[0]!.slice('notice: '.length)}`,
        `::notice file=${file},line=16,column=3::${grounded[1]!.slice('notice: '.length)}`,
        `::notice file=${file},line=19,column=35::${grounded[2]!.slice('notice: '.length)}`,
      ].sort(),
    )
  })

  test('the default reporter shows the annotation under the failed test', () => {
    expect(run.output).toContain(` ❯ answers.eval.ts:23:3 error\n   ↳ ${curt}\n`)
  })

  test('no annotation carries the leaked key or an escape sequence, wherever it is written', () => {
    const annotationLines = [
      ...run.output.split('\n').filter((line) => line.startsWith('::') && !line.includes(',title=')),
      ...Object.values(junitProperties(run.junit)).flat(),
    ]
    expect(annotationLines).toHaveLength(10)
    for (const line of annotationLines) {
      expect(line).not.toContain(LEAKED_KEY)
      expect(line).not.toContain(ESC)
    }
    // The report keeps the reason as the scorer gave it: the masking is the annotation's own.
    expect(run.report.judgments.find((judgment) => judgment.dimension === 'leaky')?.reason).toContain(
      LEAKED_KEY,
    )
  })

  test('the records carry the assertion’s line into report.json', () => {
    const lines = run.report.judgments.map((judgment) => `${judgment.dimension}:${judgment.line}`)
    expect(lines.sort()).toEqual(['contains-all:19', 'leaky:27', 'relevance:16', 'tone:16', 'tone:23'])
  })

  test('evals({ annotations: false }) annotates nothing and still records every score', async () => {
    const off = await runAnnotated({ annotations: false }, 'off')
    expect(Object.values(junitProperties(off.junit)).flat()).toEqual([])
    expect(off.output).not.toMatch(/^::notice/m)
    expect(off.output).not.toContain(`↳ ${curt}`)
    expect(off.report.judgments).toHaveLength(5)
  }, 60_000)

  test('html: the annotation is in the test’s detail view of Vitest’s UI', async ({ skip }) => {
    skip(!chromiumAvailable, CHROMIUM_SKIP_NOTE)
    const site = await serveDirectory(run.html)
    const browser = await launchChromium()
    try {
      const page = await browser.newPage({ viewport: { width: 1400, height: 900 } })
      // The UI links web fonts; the test never reaches the network.
      await page.route('**/*', (route) =>
        route.request().url().startsWith(site.url) ? route.continue() : route.abort(),
      )
      await page.goto(site.url)
      await page.click('[aria-label="a curt answer"]')
      const annotations = page.getByText('Test Annotations').locator('..')
      await page.getByText(curt).waitFor()
      // biome-ignore lint/performance/useDomNodeTextContent: a Playwright locator, whose innerText keeps the lines
      expect(await annotations.innerText()).toContain(`error\nanswers.eval.ts:23:3\n${curt}`)
      if (process.env.VITEST_RUBRIC_SCREENSHOTS) {
        mkdirSync(join(repoRoot, 'docs'), { recursive: true })
        await page.screenshot({ path: join(repoRoot, 'docs', 'vitest-ui-annotations.png') })
      }
    } finally {
      await browser.close()
      await site.close()
    }
  }, 60_000)
})
