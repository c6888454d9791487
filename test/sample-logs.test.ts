import { writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { gzipSync } from 'node:zlib'
import { describe, expect, test } from 'vitest'
import { readLogRecord, sampleLogs } from '../src/dataset/sample-logs.ts'
import { errorOf } from './support/errors.ts'
import { tempDirs } from './support/temp-dirs.ts'

const root = join(import.meta.dirname, '..')
const logs = (name: string) => `fixtures/datasets/logs/${name}`

const tempDir = tempDirs('vitest-rubric-logs-')

/** A log of `ordinary` plain requests, then `errors` failed ones. */
function writeLog(dir: string, ordinary: number, errors: number): void {
  const lines: string[] = []
  for (let i = 0; i < ordinary; i++)
    lines.push(JSON.stringify({ request_id: `ok-${i}`, prompt: `q${i}`, response: 'a' }))
  for (let i = 0; i < errors; i++)
    lines.push(JSON.stringify({ request_id: `err-${i}`, prompt: `q${i}`, error: 'boom' }))
  writeFileSync(join(dir, 'requests.jsonl'), `${lines.join('\n')}\n`)
}

describe('sampleLogs', () => {
  test('keeps every error, flagged and thumbs-down request; rate 0 keeps nothing else', async () => {
    const sample = await sampleLogs(logs('app-2025-06-01.jsonl'), { rate: 0, cwd: root })
    expect(sample.rows.map((row) => [row.id, row.data.metadata?.sampleReason])).toEqual([
      ['r2', 'error'],
      ['r3', 'thumbs-down'],
      ['r4', 'flagged'],
    ])
    expect(sample.counts).toEqual({ total: 6, always: 3, sampled: 0, skipped: 0 })
    expect(sample.name).toBe('app-2025-06-01')
    expect(sample.files).toEqual(['fixtures/datasets/logs/app-2025-06-01.jsonl'])
  })

  test('reads prompt, response, retrieved context, error, feedback and timestamp into dataset rows', async () => {
    const sample = await sampleLogs(logs('app-2025-06-01.jsonl'), { rate: 1, cwd: root })
    expect(sample.rows).toHaveLength(6)
    expect(sample.rows[0]).toEqual({
      id: 'r1',
      data: {
        id: 'r1',
        input: 'How do I reset my password?',
        output: "Click 'Forgot password' on the sign-in page.",
        context: ['Passwords are reset from the sign-in page.'],
        metadata: { model: 'gpt-4.1-mini', timestamp: '2025-06-01T09:00:00Z', sampleReason: 'rate' },
      },
      source: { file: 'fixtures/datasets/logs/app-2025-06-01.jsonl', line: 1 },
    })
    expect(sample.rows[1]!.data).toEqual({
      id: 'r2',
      input: 'Cancel my plan',
      metadata: {
        model: 'gpt-4.1-mini',
        timestamp: '2025-06-01T09:01:00Z',
        error: 'upstream timeout',
        sampleReason: 'error',
      },
    })
    expect(sample.rows[2]!.data.metadata).toMatchObject({ thumbsDown: true, sampleReason: 'thumbs-down' })
    expect(sample.rows[4]!.data.metadata?.thumbsDown).toBeUndefined()
  })

  test('rate 0.05 of 10,000 ordinary requests keeps 500 of them plus every error', async () => {
    const dir = tempDir()
    writeLog(dir, 10_000, 40)
    const sample = await sampleLogs('requests.jsonl', { rate: 0.05, cwd: dir })
    expect(sample.rows).toHaveLength(540)
    expect(sample.rows.filter((row) => row.id.startsWith('err-'))).toHaveLength(40)
    expect(sample.counts).toEqual({ total: 10_040, always: 40, sampled: 500, skipped: 0 })
  })

  test('is seeded: the same seed keeps the same requests, another seed others', async () => {
    const dir = tempDir()
    writeLog(dir, 500, 0)
    const ids = async (seed: number) =>
      (await sampleLogs('requests.jsonl', { rate: 0.1, seed, cwd: dir })).rows.map((row) => row.id)
    expect(await ids(1)).toEqual(await ids(1))
    expect(await ids(1)).not.toEqual(await ids(2))
  })

  test('always adds rules of its own', async () => {
    const sample = await sampleLogs(logs('app-2025-06-01.jsonl'), {
      rate: 0,
      cwd: root,
      always: (record) => record.input.includes('hours'),
    })
    expect(sample.rows.map((row) => row.id)).toEqual(['r2', 'r3', 'r4', 'r5'])
    expect(sample.rows[3]!.data.metadata?.sampleReason).toBe('always')
  })

  test('map reads another log shape, and may skip lines', async () => {
    const sample = await sampleLogs(logs('custom-shape.jsonl'), {
      rate: 0,
      cwd: root,
      map: (entry) => {
        const line = entry as {
          req: { q: string }
          res: { text: string } | null
          status: number
          rating: number | null
        }
        if (line.req.q.startsWith('What')) return undefined
        return {
          input: line.req.q,
          ...(line.res ? { output: line.res.text } : {}),
          ...(line.status >= 500 ? { error: `HTTP ${line.status}` } : {}),
          ...(line.rating !== null && line.rating <= 2 ? { thumbsDown: true } : {}),
        }
      },
    })
    expect(sample.rows.map((row) => [row.data.input, row.data.metadata?.sampleReason])).toEqual([
      ['Refund my order', 'error'],
      ['Do you price match?', 'thumbs-down'],
    ])
    expect(sample.counts).toEqual({ total: 2, always: 2, sampled: 0, skipped: 1 })
    expect(sample.rows[0]!.id).toMatch(/^[0-9a-f]{12}$/)
  })

  test('identical requests without ids get distinct ids in log order', async () => {
    const dir = tempDir()
    writeFileSync(
      join(dir, 'same.jsonl'),
      '{"prompt":"hi","response":"hello"}\n{"prompt":"hi","response":"hello"}\n',
    )
    const sample = await sampleLogs('same.jsonl', { rate: 1, cwd: dir })
    const [first, second] = sample.rows.map((row) => row.id)
    expect(second).toBe(`${first}~2`)
  })

  test('reads gzipped logs', async () => {
    const dir = tempDir()
    writeFileSync(join(dir, 'requests.jsonl.gz'), gzipSync('{"prompt":"a","error":true}\n{"prompt":"b"}\n'))
    const sample = await sampleLogs('*.gz', { rate: 0, cwd: dir })
    expect(sample.rows.map((row) => row.data.input)).toEqual(['a'])
    expect(sample.name).toBe('requests')
  })

  test('a cut-off line fails with file and line, or is skipped with malformedLines: skip', async () => {
    const error = await errorOf(() => sampleLogs(logs('cut-off.jsonl'), { rate: 1, cwd: root }))
    expect(error.code).toBe('RUBRIC_DATASET_PARSE')
    expect(error.message).toMatch(/^fixtures\/datasets\/logs\/cut-off\.jsonl:2 is not valid JSON \(/)
    const sample = await sampleLogs(logs('cut-off.jsonl'), { rate: 1, cwd: root, malformedLines: 'skip' })
    expect(sample.rows.map((row) => row.data.input)).toEqual(['one'])
    expect(sample.counts.skipped).toBe(1)
  })

  test('a line without an input names the field names read and the map option', async () => {
    const error = await errorOf(() => sampleLogs(logs('custom-shape.jsonl'), { rate: 1, cwd: root }))
    expect(error.code).toBe('RUBRIC_DATASET_INVALID_ROW')
    expect(error.message).toBe(
      [
        '3 rows of dataset "custom-shape" do not match the schema:',
        '  fixtures/datasets/logs/custom-shape.jsonl:1',
        '    ✖ Invalid input: expected string, received undefined',
        '      → at input',
        '  fixtures/datasets/logs/custom-shape.jsonl:2',
        '    ✖ Invalid input: expected string, received undefined',
        '      → at input',
        '  fixtures/datasets/logs/custom-shape.jsonl:3',
        '    ✖ Invalid input: expected string, received undefined',
        '      → at input',
        'The default reader takes the input from "input", "prompt", "question", "query"; pass sampleLogs() a `map` ' +
          'that reads your log shape, for example `map: (entry) => ({ ...readLogRecord(entry), input: ' +
          'entry.request.text })`, or `undefined` to skip a line.',
      ].join('\n'),
    )
  })

  test('bad options and no matching files', async () => {
    const missing = await errorOf(() => sampleLogs('x.jsonl', {} as never))
    expect(missing.message).toBe(
      'sampleLogs() needs a `rate`: the share of ordinary requests to keep, for example `{ rate: 0.05 }`.',
    )
    const range = await errorOf(() => sampleLogs('x.jsonl', { rate: 5 }))
    expect(range.message).toBe(
      'sampleLogs() `rate` is 5; it must be between 0 and 1, for example 0.05 to keep 5% of the rows.',
    )
    const none = await errorOf(() => sampleLogs('logs/*.jsonl', { rate: 0.1, cwd: root }))
    expect(none.message.replace(root, '<root>')).toMatch(/^no log files match "logs\/\*\.jsonl" in <root>\. /)
  })
})

describe('readLogRecord', () => {
  test('reads the accepted field names and leaves the rest in metadata', () => {
    expect(
      readLogRecord({
        requestId: 12,
        question: { text: 'structured' },
        answer: 'yes',
        context: 'one passage',
        error: null,
        flagged: 'true',
        thumbs: -1,
        createdAt: 1717232400,
        user: 'u1',
      }),
    ).toEqual({
      id: '12',
      input: '{"text":"structured"}',
      output: 'yes',
      context: 'one passage',
      flagged: true,
      thumbsDown: true,
      timestamp: '1717232400',
      metadata: { user: 'u1' },
    })
  })

  test('knows thumbs down when it sees it', () => {
    for (const feedback of [
      'down',
      'Thumbs_Down',
      'thumbs-down',
      'negative',
      'bad',
      '👎',
      -1,
      { value: 'down' },
    ]) {
      expect(readLogRecord({ prompt: 'x', feedback }).thumbsDown).toBe(true)
    }
    for (const feedback of ['up', 1, 0, true, false, { thumbs: 'up' }, null]) {
      expect(readLogRecord({ prompt: 'x', feedback }).thumbsDown).toBeUndefined()
    }
    expect(readLogRecord('not an object')).toEqual({})
  })
})
