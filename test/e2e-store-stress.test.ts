import { spawn } from 'node:child_process'
import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  watch,
  writeFileSync,
} from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { stripVTControlCharacters } from 'node:util'
import { describe, expect, test } from 'vitest'
import { parseStore } from '../src/store/store-file.ts'
import { repoRoot, runEvals } from './support/run-vitest.ts'

const FILES = 16
const TESTS_PER_FILE = 8

/** Eval files whose tests run concurrently, each judging its own output once with the offline judge. */
function writeSuite(dir: string, files = FILES, tests = TESTS_PER_FILE): void {
  for (let file = 0; file < files; file++) {
    const body = [
      "import { describe, test } from 'vitest'",
      "describe.concurrent('suite', () => {",
      `  for (let index = 0; index < ${tests}; index++) {`,
      '    test(`output ${index}`, async ({ expect }) => {',
      `      await expect(\`Answer \${index} of file ${file}: refunds take 14 days.\`).toScoreAtLeast('relevance', 0, {`,
      "        input: 'How long do refunds take?',",
      '      })',
      '    })',
      '  }',
      '})',
      '',
    ].join('\n')
    writeFileSync(join(dir, `file-${String(file).padStart(2, '0')}.eval.ts`), body)
  }
}

describe('judgment store under load', () => {
  test('parallel workers and concurrent tests lose no entry', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'rubric-stress-'))
    writeSuite(dir)
    const run = await runEvals(dir, { judge: 'heuristic', store: 'auto', maxWorkers: 8 })
    expect(run.exitCode).toBe(0)
    const stores = readdirSync(join(dir, '__judgments__')).filter((name) => name.endsWith('.json'))
    expect(stores).toHaveLength(FILES)
    for (const name of stores) {
      const text = readFileSync(join(dir, '__judgments__', name), 'utf8')
      expect(Object.keys(parseStore(text, name).judgments)).toHaveLength(TESTS_PER_FILE)
    }
    expect(readdirSync(join(dir, '__judgments__')).filter((name) => !name.endsWith('.json'))).toEqual([])
  })

  test('a run killed with SIGKILL while writing leaves every store parseable with its earlier entries', async () => {
    // Inside the repository, so that the child's config resolves `vitest` from its node_modules.
    mkdirSync(join(repoRoot, '.tmp'), { recursive: true })
    const dir = mkdtempSync(join(repoRoot, '.tmp', 'rubric-kill-'))
    writeSuite(dir, 4, 60)
    writeFileSync(
      join(dir, 'vitest.config.ts'),
      [
        "import { defineConfig, mergeConfig } from 'vitest/config'",
        `import { evals } from ${JSON.stringify(join(repoRoot, 'src/config.ts'))}`,
        'export default defineConfig({ test: { projects: [',
        `  mergeConfig(evals({ judge: 'heuristic', store: 'record', reporter: false, maxWorkers: 2 }), { resolve: { alias: { 'vitest-rubric': ${JSON.stringify(join(repoRoot, 'src/index.ts'))} } } }),`,
        '] } })',
        '',
      ].join('\n'),
    )
    const stores = join(dir, '__judgments__')
    mkdirSync(stores)
    // First a whole run, so that every store holds its entries before the run that is killed.
    const whole = spawn(process.execPath, [join(repoRoot, 'node_modules/vitest/vitest.mjs'), 'run'], {
      cwd: dir,
    })
    let errors = ''
    whole.stderr.on('data', (chunk) => {
      errors += String(chunk)
    })
    const code = await new Promise((resolve) => whole.on('exit', resolve))
    // The bundler notes a slow build on stderr when the machine is busy: a note, not an error of the run.
    const slowBuild = /\[PLUGIN_TIMINGS\][\s\S]*?for more details\.\n?/g
    expect(stripVTControlCharacters(errors).replace(slowBuild, '')).toBe('')
    expect(code).toBe(0)
    const before = Object.fromEntries(
      readdirSync(stores).map((name) => [
        name,
        Object.keys(parseStore(readFileSync(join(stores, name), 'utf8'), name).judgments),
      ]),
    )
    expect(Object.keys(before)).toHaveLength(4)

    // `record` rewrites every entry, so the killed run is in the middle of replacing store files.
    const child = spawn(process.execPath, [join(repoRoot, 'node_modules/vitest/vitest.mjs'), 'run'], {
      cwd: dir,
    })
    // Killed at the first change in the store folder, which the run makes as it starts writing: counting on a
    // later change would fail when the file system reports several changes as one.
    const watcher = watch(stores, () => {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL')
    })
    const exit = await new Promise<NodeJS.Signals | null>((resolve) =>
      child.on('exit', (_code, signal) => resolve(signal)),
    )
    watcher.close()
    expect(exit).toBe('SIGKILL')
    for (const [name, keys] of Object.entries(before)) {
      const file = join(stores, name)
      expect(existsSync(file)).toBe(true)
      const stored = parseStore(readFileSync(file, 'utf8'), name)
      expect(Object.keys(stored.judgments)).toEqual(expect.arrayContaining(keys))
    }

    // The next run takes over any lock the killed run left behind and completes every store.
    const again = spawn(process.execPath, [join(repoRoot, 'node_modules/vitest/vitest.mjs'), 'run'], {
      cwd: dir,
    })
    expect(await new Promise((resolve) => again.on('exit', resolve))).toBe(0)
    for (const [name, keys] of Object.entries(before)) {
      const stored = parseStore(readFileSync(join(stores, name), 'utf8'), name)
      expect(Object.keys(stored.judgments).sort()).toEqual([...keys].sort())
    }
    rmSync(dir, { recursive: true, force: true })
    // Three whole Vitest runs, each with its own workers: on a busy machine this takes far longer than one test.
  }, 180_000)
})
