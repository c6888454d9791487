import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, beforeEach, describe, expect, test, vi } from 'vitest'
import { main } from '../src/cli.ts'
import { loadDataset } from '../src/dataset/load-dataset.ts'
import { sampleLogs } from '../src/dataset/sample-logs.ts'

let dir: string
let logged: string[]
let errors: string[]

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'vitest-rubric-cli-sample-'))
  logged = []
  errors = []
  vi.spyOn(console, 'log').mockImplementation((...args) => void logged.push(args.join(' ')))
  vi.spyOn(console, 'error').mockImplementation((...args) => void errors.push(args.join(' ')))
  vi.stubEnv('VITEST_RUBRIC_SEED', '')
})
afterEach(() => {
  vi.restoreAllMocks()
  vi.unstubAllEnvs()
  rmSync(dir, { recursive: true, force: true })
})

/** Two log files: 1,000 ordinary requests, 3 errors, 1 flagged, 1 thumbs down, and two identical requests without an id. */
function writeLogs(): string[] {
  const day1: string[] = []
  for (let i = 0; i < 1000; i++)
    day1.push(JSON.stringify({ request_id: `ok-${i}`, prompt: `q${i}`, response: 'a' }))
  const day2 = [
    ...[1, 2, 3].map((i) => JSON.stringify({ request_id: `err-${i}`, prompt: 'p', error: 'timeout' })),
    JSON.stringify({ request_id: 'flag-1', prompt: 'p', response: 'r', flagged: true }),
    JSON.stringify({ request_id: 'down-1', prompt: 'p', response: 'r', feedback: 'thumbs_down' }),
    JSON.stringify({ prompt: 'same', response: 'same', error: 'boom' }),
    JSON.stringify({ prompt: 'same', response: 'same', error: 'boom' }),
  ]
  writeFileSync(join(dir, 'day1.jsonl'), `${day1.join('\n')}\n`)
  writeFileSync(join(dir, 'day2.jsonl'), `${day2.join('\n')}\n{"cut off`)
  return [join(dir, 'day1.jsonl'), join(dir, 'day2.jsonl')]
}

describe('vitest-rubric sample', () => {
  test('writes the sample as a JSONL dataset file and prints what it kept', async () => {
    const files = writeLogs()
    const out = join(dir, 'fixtures', 'prod-sample.jsonl')
    const code = await main([
      'sample',
      ...files,
      '--rate',
      '0.05',
      '--out',
      out,
      '--seed',
      '7',
      '--skip-malformed',
    ])
    expect(errors).toEqual([])
    expect(code).toBe(0)
    const dataset = await loadDataset(out)
    const expected = await sampleLogs(files, { rate: 0.05, seed: '7', malformedLines: 'skip' })
    expect(dataset.rows.map((row) => row.id)).toEqual(expected.rows.map((row) => row.id))
    const withoutId = ({ id: _id, ...data }: { id?: string }) => data
    expect(dataset.rows.map((row) => withoutId(row.data))).toEqual(
      expected.rows.map((row) => withoutId(row.data)),
    )
    expect(dataset.rows).toHaveLength(57)
    expect(dataset.rows.filter((row) => row.data.metadata?.sampleReason === 'error')).toHaveLength(5)
    expect(dataset.rows.filter((row) => row.id.endsWith('~2'))).toHaveLength(1)
    expect(logged).toEqual([
      'read 1,007 requests from 2 files (1 line skipped)',
      'kept 57: 7 always (5 error, 1 flagged, 1 thumbs-down), 50 sampled at rate 0.05 (seed 7)',
      `wrote ${out} (dataset hash ${dataset.hash})`,
    ])
    expect(readdirSync(join(dir, 'fixtures'))).toEqual(['prod-sample.jsonl'])
    const lines = readFileSync(out, 'utf8').trimEnd().split('\n')
    expect(lines[0]).toMatch(/^\{"id":"[^"]+","input":/)
    expect(lines.filter((line) => !line.startsWith('{"id":'))).toHaveLength(1) // the first of the repeated pair
  })

  test('the seed defaults to VITEST_RUBRIC_SEED, else 1', async () => {
    const files = writeLogs()
    const out = join(dir, 'sample.jsonl')
    vi.stubEnv('VITEST_RUBRIC_SEED', '2025-06-01')
    expect(await main(['sample', ...files, '--rate', '0.01', '--out', out, '--skip-malformed'])).toBe(0)
    expect(logged[1]).toBe(
      'kept 17: 7 always (5 error, 1 flagged, 1 thumbs-down), 10 sampled at rate 0.01 (seed 2025-06-01)',
    )
  })

  test('bad arguments fail with the fix', async () => {
    const files = writeLogs()
    expect(await main(['sample', '--rate', '0.05', '--out', 'x.jsonl'])).toBe(1)
    expect(errors[0]).toMatch(/^vitest-rubric sample: name the log files to sample/)
    expect(await main(['sample', ...files, '--out', 'x.jsonl'])).toBe(1)
    expect(errors[1]).toBe(
      'vitest-rubric sample: --rate is missing; pass the share of ordinary requests to keep, between 0 and 1, for example `--rate 0.05` for 5%.',
    )
    expect(await main(['sample', ...files, '--rate', '5%', '--out', 'x.jsonl'])).toBe(1)
    expect(errors[2]).toContain('--rate is "5%"')
    expect(await main(['sample', ...files, '--rate', '0.05'])).toBe(1)
    expect(errors[3]).toContain('pass `--out <file.jsonl>`')
    expect(await main(['sample', ...files, '--rate', '0.05', '--out', 'x.jsonl', '--shuffle'])).toBe(1)
    expect(errors[4]).toContain("Unknown option '--shuffle'")
    // The last line of day2.jsonl is cut off: without --skip-malformed it fails with its file and line.
    expect(await main(['sample', ...files, '--rate', '0.05', '--out', join(dir, 'x.jsonl')])).toBe(1)
    expect(errors[5]).toMatch(/day2\.jsonl:8 is not valid JSON/)
    expect(readdirSync(dir).sort()).toEqual(['day1.jsonl', 'day2.jsonl'])
  })

  test('a sample with no request writes nothing', async () => {
    writeFileSync(join(dir, 'quiet.jsonl'), `${JSON.stringify({ prompt: 'hi', response: 'hello' })}\n`)
    const out = join(dir, 'none.jsonl')
    expect(await main(['sample', join(dir, 'quiet.jsonl'), '--rate', '0', '--out', out])).toBe(1)
    expect(logged).toEqual(['read 1 request from 1 file'])
    expect(errors).toEqual([
      `kept no request, so ${out} was not written: raise --rate, or check that the logs hold requests.`,
    ])
  })

  test('is listed in the help', async () => {
    expect(await main(['--help'])).toBe(0)
    expect(logged.join('\n')).toContain('sample     sample production request logs into a JSONL dataset file')
    expect(await main(['sample', '--help'])).toBe(0)
    expect(logged.at(-1)).toContain('Usage: vitest-rubric sample <logs...> --rate <share> --out <file.jsonl>')
  })
})
