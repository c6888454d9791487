import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, describe, expect, test } from 'vitest'
import { readGitCommit } from '../src/reporter/git-commit.ts'
import {
  appendHistory,
  detectDrift,
  driftAlerts,
  type HistoryEntry,
  historyEntry,
  leastSquaresSlope,
  parseHistory,
  readHistory,
} from '../src/reporter/history.ts'
import { reportOf, scoredRecords } from './support/reports.ts'

/** Runs with no errors that covered each dimension alike. */
function entries(means: Record<string, (number | null)[]>): HistoryEntry[] {
  const runs = Math.max(...Object.values(means).map((values) => values.length))
  return Array.from({ length: runs }, (_, run) => ({
    time: `2025-01-0${run + 1}T00:00:00.000Z`,
    commit: null,
    errorShare: 0,
    dimensions: Object.fromEntries(
      Object.entries(means)
        .filter(([, values]) => values[run] !== undefined)
        .map(([name, values]) => [
          name,
          { mean: values[run]!, n: 10, passRate: 1, coverage: `${name}-files` },
        ]),
    ),
  }))
}

let directory: string | undefined
afterEach(async () => {
  if (directory) await rm(directory, { recursive: true, force: true })
  directory = undefined
})

describe('history file', () => {
  test('a report becomes one line: time, commit and per dimension mean with its interval, n and pass rate', () => {
    const report = reportOf([...scoredRecords('faithfulness', [1, 0.5]), ...scoredRecords('tone', [null])])
    expect(historyEntry(report)).toEqual({
      time: '2025-01-02T03:04:05.000Z',
      commit: 'a'.repeat(40),
      errorShare: 1 / 3,
      dimensions: {
        // Two scores 0.5 apart: t(0.975, 1) = 12.7 makes the interval wider than [0, 1], where it is cut.
        faithfulness: {
          mean: 0.75,
          meanLow: 0,
          meanHigh: 1,
          n: 2,
          passRate: 1,
          coverage: expect.stringMatching(/^[0-9a-f]{16}$/),
        },
        tone: {
          mean: null,
          meanLow: null,
          meanHigh: null,
          n: 0,
          passRate: null,
          coverage: expect.stringMatching(/^[0-9a-f]{16}$/),
        },
      },
    })
  })

  test('coverage is the files and their result counts: errors do not change it, another file or test does', () => {
    const coverage = (records: Parameters<typeof reportOf>[0]) =>
      historyEntry(reportOf(records)).dimensions.faithfulness?.coverage
    const base = coverage(scoredRecords('faithfulness', [1, 0.5]))
    expect(coverage(scoredRecords('faithfulness', [0.25, null]))).toBe(base)
    expect(coverage(scoredRecords('faithfulness', [1, 0.5, 0.75]))).not.toBe(base)
    const elsewhere = scoredRecords('faithfulness', [1, 0.5]).map((record) => ({
      ...record,
      file: 'b.eval.ts',
    }))
    expect(coverage(elsewhere)).not.toBe(base)
  })

  test('lines written before error share and coverage were recorded are still read', () => {
    const old = { time: 't', commit: null, dimensions: { tone: { mean: 0.5, n: 2, passRate: 1 } } }
    expect(parseHistory(`${JSON.stringify(old)}\n`)).toEqual([old])
  })

  test('lines that are not entries are skipped (a cut last line, a hand edit)', () => {
    const [good] = entries({ tone: [0.5] })
    const text = `${JSON.stringify(good)}\nnot json\n{"time": 3}\n\n${JSON.stringify(good).slice(0, 20)}`
    expect(parseHistory(text)).toEqual([good])
  })

  test('appending keeps the earlier lines, one JSON line per run', async () => {
    directory = await mkdtemp(join(tmpdir(), 'vitest-rubric-history-'))
    const path = join(directory, '.vitest-rubric', 'history.jsonl')
    expect(await readHistory(path)).toEqual([])
    const [first, second] = entries({ tone: [0.5, 0.75] })
    await appendHistory(path, first!)
    await appendHistory(path, second!)
    expect((await readFile(path, 'utf8')).split('\n')).toEqual([
      JSON.stringify(first),
      JSON.stringify(second),
      '',
    ])
    expect(await readHistory(path)).toEqual([first, second])
  })
})

describe('detectDrift (P2)', () => {
  test('a mean falling across the last five runs is drift', () => {
    const findings = detectDrift(
      entries({ relevance: [0.9, 0.88, 0.85, 0.84, 0.8], tone: [0.8, 0.8, 0.8, 0.8, 0.8] }),
    )
    expect(findings).toEqual([
      { dimension: 'relevance', means: [0.9, 0.88, 0.85, 0.84, 0.8], slope: expect.closeTo(-0.024, 10) },
    ])
    expect(driftAlerts(findings)).toEqual([
      {
        tier: 'P2',
        kind: 'drift',
        dimension: 'relevance',
        message:
          'relevance mean fell over the last 5 runs (0.900 → 0.880 → 0.850 → 0.840 → 0.800, -0.024 per run)',
      },
    ])
  })

  test('looks only at the last runs, and needs as many runs as asked for', () => {
    expect(detectDrift(entries({ relevance: [0.9, 0.85, 0.8, 0.75] }))).toEqual([])
    expect(detectDrift(entries({ relevance: [0.9, 0.85, 0.8, 0.75] }), { runs: 4 })).toHaveLength(1)
    expect(detectDrift(entries({ relevance: [0.9, 0.85, 0.8, 0.75, 0.8, 0.8, 0.8, 0.8, 0.8] }))).toEqual([])
  })

  test('a slope within the threshold, a fall that recovered, or noise is not drift', () => {
    expect(detectDrift(entries({ relevance: [0.9, 0.895, 0.89, 0.885, 0.88] }))).toEqual([])
    expect(detectDrift(entries({ relevance: [0.9, 0.7, 0.7, 0.7, 0.95] }))).toEqual([])
    expect(detectDrift(entries({ relevance: [0.8, 0.82, 0.79, 0.81, 0.8] }))).toEqual([])
  })

  test('runs that did not score the dimension are passed over; a dimension absent now says nothing', () => {
    const history = entries({
      relevance: [0.9, null, 0.85, 0.8, 0.78, 0.75],
      tone: [0.9, 0.85, 0.8, 0.75, 0.7, 0.65],
    })
    expect(detectDrift(history).map((finding) => finding.dimension)).toEqual(['relevance', 'tone'])
    const withoutTone = [
      ...history,
      {
        time: 't',
        commit: null,
        errorShare: 0,
        dimensions: { relevance: { mean: 0.7, n: 1, passRate: 1, coverage: 'relevance-files' } },
      },
    ]
    expect(detectDrift(withoutTone).map((finding) => finding.dimension)).toEqual(['relevance'])
  })

  test('only runs that covered the dimension alike are compared', () => {
    const falling = entries({ relevance: [0.9, 0.88, 0.85, 0.84, 0.8] })
    // The first two runs covered other files: three comparable runs are too few to say anything.
    const mixed = falling.map((entry, run) =>
      run < 2
        ? { ...entry, dimensions: { relevance: { ...entry.dimensions.relevance!, coverage: 'other-files' } } }
        : entry,
    )
    expect(detectDrift(mixed)).toEqual([])
    expect(detectDrift(mixed, { runs: 3 })).toEqual([
      { dimension: 'relevance', means: [0.85, 0.84, 0.8], slope: expect.closeTo(-0.025, 10) },
    ])
  })

  test('runs with judge errors above the threshold are left out, and such a run reports no drift', () => {
    const withShares = (shares: number[]) =>
      entries({ relevance: [0.9, 0.88, 0.85, 0.84, 0.8, 0.6] }).map((entry, run) => ({
        ...entry,
        errorShare: shares[run]!,
      }))
    // A run of mostly errors at the end: no drift from it, however low its mean.
    expect(detectDrift(withShares([0, 0, 0, 0, 0, 0.8]), { runs: 6 })).toEqual([])
    expect(detectDrift(withShares([0, 0, 0, 0, 0, 0.8]), { runs: 6, maxErrorShare: 0.9 })).toHaveLength(1)
    // A run of mostly errors earlier: passed over, so only five reliable runs remain.
    const earlier = withShares([0, 0.5, 0, 0, 0, 0])
    expect(detectDrift(earlier, { runs: 6 })).toEqual([])
    expect(detectDrift(earlier, { runs: 5 })[0]?.means).toEqual([0.9, 0.85, 0.84, 0.8, 0.6])
    expect(detectDrift(withShares([0, 0.1, 0, 0, 0, 0]), { runs: 6 })).toHaveLength(1)
  })

  test('lines without coverage (written before it was recorded) take no part in drift', () => {
    const old = entries({ relevance: [0.9, 0.88, 0.85, 0.84] }).map(({ time, commit, dimensions }) => ({
      time,
      commit,
      dimensions: { relevance: { mean: dimensions.relevance!.mean, n: 10, passRate: 1 } },
    }))
    const latest = entries({ relevance: [0.8] })
    expect(detectDrift([...old, ...latest])).toEqual([])
  })

  test('least-squares slope', () => {
    expect(leastSquaresSlope([1, 2, 3])).toBe(1)
    expect(leastSquaresSlope([0.9, 0.88, 0.85, 0.84, 0.8])).toBeCloseTo(-0.024, 12)
    expect(leastSquaresSlope([0.5])).toBe(0)
  })
})

describe('readGitCommit', () => {
  const sha = '0123456789abcdef0123456789abcdef01234567'
  const other = 'fedcba9876543210fedcba9876543210fedcba98'

  test('follows HEAD to a loose branch ref, then to packed-refs, from a nested folder', async () => {
    directory = await mkdtemp(join(tmpdir(), 'vitest-rubric-git-'))
    await mkdir(join(directory, '.git', 'refs', 'heads'), { recursive: true })
    await mkdir(join(directory, 'packages', 'app'), { recursive: true })
    await writeFile(join(directory, '.git', 'HEAD'), 'ref: refs/heads/main\n')
    await writeFile(
      join(directory, '.git', 'packed-refs'),
      `# pack-refs with: peeled\n${other} refs/heads/main\n`,
    )
    expect(await readGitCommit(join(directory, 'packages', 'app'), {})).toBe(other)
    await writeFile(join(directory, '.git', 'refs', 'heads', 'main'), `${sha}\n`)
    expect(await readGitCommit(directory, {})).toBe(sha)
  })

  test('a detached HEAD, a worktree whose .git is a file, and the CI variable outside a repository', async () => {
    directory = await mkdtemp(join(tmpdir(), 'vitest-rubric-git-'))
    const gitDir = join(directory, 'repo.git', 'worktrees', 'feature')
    await mkdir(join(directory, 'repo.git', 'refs', 'heads'), { recursive: true })
    await mkdir(gitDir, { recursive: true })
    await mkdir(join(directory, 'feature'))
    await writeFile(join(directory, 'feature', '.git'), `gitdir: ${gitDir}\n`)
    await writeFile(join(gitDir, 'HEAD'), 'ref: refs/heads/feature\n')
    await writeFile(join(gitDir, 'commondir'), '../..\n')
    await writeFile(join(directory, 'repo.git', 'refs', 'heads', 'feature'), `${other}\n`)
    expect(await readGitCommit(join(directory, 'feature'), {})).toBe(other)
    await writeFile(join(gitDir, 'HEAD'), `${sha}\n`)
    expect(await readGitCommit(join(directory, 'feature'), {})).toBe(sha)

    const outside = join(directory, 'outside')
    await mkdir(outside)
    // The temporary folder is not in a repository, unless the machine's is: only check the fallback when it is not.
    if ((await readGitCommit(outside, {})) === null) {
      expect(await readGitCommit(outside, { GITHUB_SHA: sha })).toBe(sha)
      expect(await readGitCommit(outside, { GITHUB_SHA: 'not a sha' })).toBeNull()
    }
  })
})
