import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { availableParallelism } from 'node:os'
import { dirname, join, relative, resolve } from 'node:path'
import { Writable } from 'node:stream'
import { afterAll, beforeAll, expect, test } from 'vitest'
import { createVitest } from 'vitest/node'
import { normalize, repoRoot } from './support/run-vitest.ts'

// Vitest 5 inline projects inherit the root's options and concatenate arrays such as `include` (Vitest 4 does
// not). With a root `include` for unit tests, the evals project must still run eval files only, on both.

let root: string

beforeAll(() => {
  // Inside the repository, so that the config file resolves `vitest/config` from its node_modules.
  mkdirSync(join(repoRoot, '.tmp'), { recursive: true })
  root = mkdtempSync(join(repoRoot, '.tmp', 'e2e-projects-'))
  const files = {
    'vitest.config.ts': [
      "import { defineConfig } from 'vitest/config'",
      `import { evals } from ${JSON.stringify(resolve(repoRoot, 'src/config.ts'))}`,
      '',
      'export default defineConfig({',
      '  test: {',
      "    include: ['test/**/*.test.ts'],",
      '    projects: [',
      "      { test: { name: 'unit', include: ['test/**/*.test.ts'] } },",
      "      evals({ judge: 'heuristic', store: 'off', reporter: { outputFile: false } }),",
      '    ],',
      '  },',
      '})',
      '',
    ].join('\n'),
    'test/math.test.ts': "import { expect, test } from 'vitest'\ntest('adds', () => expect(1 + 1).toBe(2))\n",
    'evals/answers.eval.ts': [
      "import { test } from 'vitest'",
      "test('answers', async ({ expect }) => {",
      "  await expect('Refunds take 30 days.').toScoreAtLeast('relevance', 0, { input: 'How long do refunds take?' })",
      '})',
      '',
    ].join('\n'),
  }
  for (const [path, text] of Object.entries(files)) {
    mkdirSync(dirname(join(root, path)), { recursive: true })
    writeFileSync(join(root, path), text)
  }
})
afterAll(() => rmSync(root, { recursive: true, force: true }))

async function runProjects(project?: string) {
  let text = ''
  const sink = new Writable({
    write(chunk, _encoding, done) {
      text += String(chunk)
      done()
    },
  })
  // With several projects Vitest ends the stream it was given before the run's last lines are written.
  sink.end = (() => sink) as never
  const previousExitCode = process.exitCode
  const vitest = await createVitest(
    'test',
    {
      root,
      config: join(root, 'vitest.config.ts'),
      watch: false,
      reporters: [['default', { summary: false }]],
      ...(project ? { project } : {}),
    },
    {},
    { stdout: sink as never, stderr: sink as never },
  )
  let files: string[]
  let exitCode: number
  let projects: Record<string, { maxWorkers: unknown; groupOrder: unknown }>
  try {
    await vitest.start()
    projects = Object.fromEntries(
      vitest.projects.map((project) => [
        project.name,
        { maxWorkers: project.config.maxWorkers, groupOrder: project.config.sequence.groupOrder },
      ]),
    )
    files = vitest.state
      .getTestModules()
      .map((module) => `${module.project.name} ${relative(root, module.moduleId)}`)
      .sort()
    exitCode = Number(process.exitCode ?? 0)
  } finally {
    await vitest.close()
    process.exitCode = previousExitCode
  }
  return { files, exitCode, projects, output: normalize(text, root) }
}

test('the evals project runs eval files only, even with an include on the root', async () => {
  const { files, exitCode, output } = await runProjects('evals')
  expect(files).toEqual(['evals evals/answers.eval.ts'])
  expect(exitCode).toBe(0)
  expect(output.match(/Rubric {2}judge/g)).toHaveLength(1)
})

test('beside a unit project, each project keeps its own files and the rubric table is printed once', async () => {
  const { files, exitCode, output, projects } = await runProjects()
  expect(files).toEqual(['evals evals/answers.eval.ts', 'unit test/math.test.ts'])
  expect(exitCode).toBe(0)
  // The evals project runs more files at once, in a group of its own after the unit project's.
  expect(projects.evals).toEqual({ maxWorkers: availableParallelism() + 1, groupOrder: 1 })
  expect(projects.unit?.groupOrder).toBe(0)
  expect(output.match(/Rubric {2}judge/g)).toHaveLength(1)
  expect(output).toMatch(/relevance\s+1\s/)
})
