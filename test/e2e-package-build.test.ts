import { spawnSync } from 'node:child_process'
import { cpSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { stripVTControlCharacters } from 'node:util'
import { beforeAll, describe, expect, test } from 'vitest'
import { repoRoot } from './support/run-vitest.ts'

// The built package, as a user's project has it: the bundle in node_modules/vitest-rubric, which Vitest imports
// natively, not from source. Everything else tests the source; this tests what the build ships.
const project = join(repoRoot, '.tmp', 'e2e-package-build')
const installed = join(project, 'node_modules', 'vitest-rubric')

// The tests run concurrently, so each uses its context's `expect`.
const EVAL_FILE = `import { test } from 'vitest'
import { RubricArgumentError } from 'vitest-rubric'
import { chatMessages } from './openai-chat.ts'

test('checks decide without await, with the error classes of the main entry', ({ expect }) => {
  expect('{"refund": true}').toBeValidJSON()
  expect(() => expect('text').toMatchPattern('refund' as never)).toThrow(RubricArgumentError)
  expect(chatMessages).toHaveCalledTool('lookupOrder')
  expect('Refunds take 30 days.').toBeSimilarTo('Refunds take 30 days.', 0.9)
})

test('a judged assertion loads the judge on first use', async ({ expect }) => {
  await expect('Refunds are paid within 14 days.').toScoreAtLeast('relevance', 0, {
    input: 'How long do refunds take?',
  })
})

test('a failing check', ({ expect }) => {
  expect('not json').toBeValidJSON()
})
`

beforeAll(() => {
  const build = spawnSync(process.execPath, [join(repoRoot, 'scripts/build.mjs')], {
    cwd: repoRoot,
    encoding: 'utf8',
  })
  expect(build.status, `${build.stdout}\n${build.stderr}`).toBe(0)
  rmSync(project, { recursive: true, force: true })
  mkdirSync(installed, { recursive: true })
  cpSync(join(repoRoot, 'dist'), join(installed, 'dist'), { recursive: true })
  cpSync(join(repoRoot, 'package.json'), join(installed, 'package.json'))
  // A package scope of its own, so that `vitest-rubric` resolves to the installed copy, not to this repository.
  writeFileSync(
    join(project, 'package.json'),
    '{ "name": "package-build-fixture", "private": true, "type": "module" }\n',
  )
  cpSync(join(repoRoot, 'fixtures/conversations'), project, { recursive: true })
  writeFileSync(
    join(project, 'vitest.config.ts'),
    "import { defineConfig } from 'vitest/config'\nimport { evals } from 'vitest-rubric/config'\n" +
      "export default defineConfig({ test: { projects: [evals({ judge: 'heuristic', store: 'off' })] } })\n",
  )
  writeFileSync(join(project, 'answers.eval.ts'), EVAL_FILE)
}, 120_000)

/** The package's own modules that `file` imports statically, itself included, from the installed dist/. */
function staticGraph(file: string, found = new Set<string>()): Set<string> {
  if (found.has(file)) return found
  found.add(file)
  for (const [, imported] of readFileSync(join(installed, 'dist', file), 'utf8').matchAll(
    /^import [^;]*?from "\.\/(.+?)"/gm,
  )) {
    staticGraph(imported!, found)
  }
  return found
}

describe('the built package', () => {
  test('registers every matcher from a setup file of a few modules, and loads the judge on first use', () => {
    // tsc's file per module made it 46; the judge's modules are not among them.
    const setup = staticGraph('setup.js')
    expect(setup.size).toBeLessThanOrEqual(4)
    expect([...setup].filter((file) => /judge|store|score-matchers/.test(file))).toEqual([])
    expect(readdirSync(join(installed, 'dist')).some((file) => /^score-matchers-.+\.js$/.test(file))).toBe(
      true,
    )

    const run = spawnSync(
      process.execPath,
      [join(repoRoot, 'node_modules/vitest/vitest.mjs'), 'run', '--reporter=default'],
      { cwd: project, encoding: 'utf8', env: { ...process.env, CI: '', GITHUB_ACTIONS: '' } },
    )
    const output = stripVTControlCharacters(`${run.stdout}\n${run.stderr}`)
    expect(run.status, output).toBe(1)
    expect(output).toContain('2 passed')
    expect(output).toContain('1 failed')
    // The failure points at the assertion's line in the eval file, not at the bundle.
    expect(output).toMatch(/❯ answers\.eval\.ts:19:\d+/)

    const report = JSON.parse(readFileSync(join(project, '.vitest-rubric/report.json'), 'utf8')) as {
      judgments: Array<{ assertion: string; line?: number; pass: boolean | null }>
    }
    expect(report.judgments.map(({ assertion, line, pass }) => ({ assertion, line, pass }))).toEqual([
      { assertion: 'toBeValidJSON', line: 6, pass: true },
      { assertion: 'toHaveCalledTool', line: 8, pass: true },
      { assertion: 'toBeSimilarTo', line: 9, pass: true },
      { assertion: 'toScoreAtLeast', line: 13, pass: true },
      { assertion: 'toBeValidJSON', line: 19, pass: false },
    ])
  })
})
