import { readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { pathToFileURL } from 'node:url'
import { describe, expect, expectTypeOf, test } from 'vitest'
import { z } from 'zod'
import { CsvSyntaxError, parseCsv } from '../src/dataset/csv.ts'
import { loadDataset, loadDatasetSync } from '../src/dataset/load-dataset.ts'
import { datasetHash } from '../src/dataset/rows.ts'
import type { Dataset, DatasetRow } from '../src/types.ts'
import { errorOf } from './support/errors.ts'
import { tempDirs } from './support/temp-dirs.ts'

const root = join(import.meta.dirname, '..')
const data = (name: string) => `fixtures/datasets/${name}`

const tempDir = tempDirs('vitest-rubric-dataset-')

const DEFAULT_FIX =
  'Fix the rows: the default schema reads `input` (text, required), `id`, `output`, `context` (text or list of ' +
  'texts), `reference`, `expected` and `metadata` (an object); or pass loadDataset() a `schema` that accepts them.'

describe('loadDataset: formats', () => {
  test('JSONL: one row per line, blank lines skipped, unknown fields moved into metadata', async () => {
    const dataset = await loadDataset(data('qa.jsonl'), { cwd: root })
    expectTypeOf(dataset).toEqualTypeOf<Dataset<DatasetRow>>()
    expect(dataset.name).toBe('qa')
    expect(dataset.files).toEqual(['fixtures/datasets/qa.jsonl'])
    expect(dataset.rows).toEqual([
      {
        id: 'refund-window',
        data: {
          id: 'refund-window',
          input: 'How long do I have to return an item?',
          context: 'Items can be returned within 30 days of delivery.',
          reference: '30 days from delivery.',
          metadata: { segment: 'billing' },
        },
        source: { file: 'fixtures/datasets/qa.jsonl', line: 1 },
      },
      {
        id: 'a7c73f083c7b',
        data: {
          input: 'Do you ship to Canada?',
          context: ['We ship to the US and Canada.', 'Shipping to Canada takes 5 to 8 days.'],
          expected: { answer: 'yes' },
          metadata: { segment: 'shipping' },
        },
        source: { file: 'fixtures/datasets/qa.jsonl', line: 3 },
      },
      {
        id: '7',
        data: {
          id: '7',
          input: 'Can I change my delivery address?',
          output: 'Yes, until the order ships.',
          metadata: { segment: 'shipping', priority: 'high' },
        },
        source: { file: 'fixtures/datasets/qa.jsonl', line: 4 },
      },
    ])
  })

  test('JSON: an array of rows, located by index; same rows as the JSONL file, so same ids and hash', async () => {
    const json = await loadDataset(data('qa.json'), { cwd: root })
    const jsonl = await loadDataset(data('qa.jsonl'), { cwd: root })
    expect(json.rows.map((row) => row.source)).toEqual(
      [0, 1, 2].map((index) => ({ file: data('qa.json'), index })),
    )
    expect(json.rows.map((row) => row.data)).toEqual(jsonl.rows.map((row) => row.data))
    expect(json.rows.map((row) => row.id)).toEqual(jsonl.rows.map((row) => row.id))
    expect(json.hash).toBe(jsonl.hash)
  })

  test('CSV: header row, quoted commas, escaped quotes, line breaks in quotes, CRLF; empty cells left out', async () => {
    expect(readFileSync(join(root, data('qa.csv')), 'utf8')).toContain('\r\n')
    const dataset = await loadDataset(data('qa.csv'), { cwd: root })
    expect(dataset.rows.map((row) => row.data)).toEqual([
      {
        id: 'refund-window',
        input: 'How long do I have to return an item?',
        context: 'Items can be returned within 30 days of delivery.',
        reference: '30 days from delivery.',
        metadata: { segment: 'billing' },
      },
      {
        input: 'Is there a fee, if I return late?',
        context: 'Late returns cost $5, "restocking" included.',
        metadata: { segment: 'billing' },
      },
      { id: 'multi-line', input: 'First line\r\nsecond line', metadata: { segment: 'support' } },
    ])
    expect(dataset.rows.map((row) => row.source)).toEqual([
      { file: data('qa.csv'), line: 2, row: 1 },
      { file: data('qa.csv'), line: 3, row: 2 },
      { file: data('qa.csv'), line: 4, row: 3 },
    ])
    expect(dataset.rows[1]!.id).toMatch(/^[0-9a-f]{12}$/)
  })

  test('a user schema types the rows, which are its output; CSV cells are text', async () => {
    const tickets = await loadDataset(data('qa.csv'), {
      cwd: root,
      schema: z.object({ id: z.string().optional(), input: z.string(), segment: z.string() }),
    })
    expectTypeOf(tickets.rows[0]!.data).toEqualTypeOf<{
      id?: string | undefined
      input: string
      segment: string
    }>()
    expect(tickets.rows.map((row) => row.data.segment)).toEqual(['billing', 'billing', 'support'])
    const dir = tempDir()
    writeFileSync(join(dir, 'scores.csv'), 'input,score\nhello,4\n')
    const scored = await loadDataset('scores.csv', {
      cwd: dir,
      schema: z.object({ input: z.string(), score: z.coerce.number() }),
    })
    expectTypeOf(scored.rows[0]!.data.score).toEqualTypeOf<number>()
    expect(scored.rows[0]!.data).toEqual({ input: 'hello', score: 4 })
  })

  test('several patterns and globs: files read in path order, named after the patterns', async () => {
    const dir = tempDir()
    writeFileSync(join(dir, 'b.jsonl'), '{"input":"from b"}\n')
    writeFileSync(join(dir, 'a.csv'), 'input\nfrom a\n')
    writeFileSync(join(dir, 'c.json'), '[{"input":"from c"}]')
    const dataset = await loadDataset(['*.jsonl', '*.{csv,json}'], { cwd: dir })
    expect(dataset.files).toEqual(['a.csv', 'b.jsonl', 'c.json'])
    expect(dataset.rows.map((row) => row.data.input)).toEqual(['from a', 'from b', 'from c'])
    expect(dataset.name).toBe('*.jsonl, *.{csv,json}')
    expect((await loadDataset('*.csv', { cwd: dir, name: 'golden' })).name).toBe('golden')
  })

  test('cwd may be a file URL; loadDatasetSync gives the same dataset', async () => {
    const cwd = pathToFileURL(join(root, 'fixtures/datasets/'))
    const fromUrl = await loadDataset('qa.jsonl', { cwd })
    expect(fromUrl.files).toEqual(['qa.jsonl'])
    expect(loadDatasetSync('qa.jsonl', { cwd })).toEqual(fromUrl)
  })

  test('async refinements work with loadDataset', async () => {
    const schema = z.object({ input: z.string() }).refine(async (row) => row.input.length > 0)
    const dataset = await loadDataset(data('qa.jsonl'), { cwd: root, schema })
    expect(dataset.rows).toHaveLength(3)
  })
})

describe('loadDataset: hashes', () => {
  test('are stable across runs (a fixed value for a fixed file) and ignore key order, format and row order', async () => {
    const dataset = await loadDataset(data('qa.jsonl'), { cwd: root })
    expect(dataset.hash).toBe('8fdcf72eddb716a0')
    expect((await loadDataset(data('qa.json'), { cwd: root })).hash).toBe('8fdcf72eddb716a0')
    const dir = tempDir()
    const lines = readFileSync(join(root, data('qa.jsonl')), 'utf8')
      .trim()
      .split('\n')
      .filter(Boolean)
    writeFileSync(join(dir, 'reversed.jsonl'), `${lines.reverse().join('\n')}\n`)
    expect((await loadDataset('reversed.jsonl', { cwd: dir })).hash).toBe('8fdcf72eddb716a0')
  })

  test('change when any row changes, is added or is removed', async () => {
    const dir = tempDir()
    const text = readFileSync(join(root, data('qa.jsonl')), 'utf8')
    const hashOf = async (content: string) => {
      writeFileSync(join(dir, 'rows.jsonl'), content)
      return (await loadDataset('rows.jsonl', { cwd: dir })).hash
    }
    const original = await hashOf(text)
    const hashes = [
      await hashOf(text.replace('30 days of delivery', '31 days of delivery')),
      await hashOf(text.replace('"segment":"shipping","expected"', '"segment":"returns","expected"')),
      await hashOf(`${text}{"input":"one more"}\n`),
      await hashOf(text.split('\n').slice(1).join('\n')),
    ]
    expect(new Set([original, ...hashes]).size).toBe(5)
  })

  test('hash values a schema returns as dates by their JSON text', async () => {
    const schema = z.object({ input: z.string(), at: z.coerce.date() })
    const dir = tempDir()
    writeFileSync(join(dir, 'a.jsonl'), '{"input":"x","at":"2025-01-01T00:00:00.000Z"}\n')
    writeFileSync(join(dir, 'b.jsonl'), '{"input":"x","at":"2025-01-02T00:00:00.000Z"}\n')
    const a = await loadDataset('a.jsonl', { cwd: dir, schema })
    const b = await loadDataset('b.jsonl', { cwd: dir, schema })
    expect(a.rows[0]!.data.at).toBeInstanceOf(Date)
    expect(a.hash).not.toBe(b.hash)
    expect(a.rows[0]!.id).not.toBe(b.rows[0]!.id)
    expect(datasetHash(a.rows)).toBe(a.hash)
    expect(datasetHash(a.rows.map((row) => ({ ...row })))).toBe(a.hash)
  })
})

describe('loadDataset: bad input', () => {
  test('rows that fail the schema: every failing row with its file and line, the field and zod message', async () => {
    const error = await errorOf(() => loadDataset(data('bad-rows.jsonl'), { cwd: root }))
    expect(error.code).toBe('RUBRIC_DATASET_INVALID_ROW')
    expect(error.message).toBe(
      [
        '2 rows of dataset "bad-rows" do not match the schema:',
        '  fixtures/datasets/bad-rows.jsonl:2',
        '    ✖ Invalid input: expected string, received number',
        '      → at input',
        '  fixtures/datasets/bad-rows.jsonl:4',
        '    ✖ Invalid input: expected string, received undefined',
        '      → at input',
        '    ✖ Invalid input: expected record, received string',
        '      → at metadata',
        DEFAULT_FIX,
      ].join('\n'),
    )
  })

  test('a bad row of a JSON array is located by its index', async () => {
    const error = await errorOf(() => loadDataset(data('bad-rows.json'), { cwd: root }))
    expect(error.message).toBe(
      [
        '1 row of dataset "bad-rows" does not match the schema:',
        '  fixtures/datasets/bad-rows.json[1]',
        '    ✖ Invalid input: expected a string or an array of strings',
        '      → at context',
        DEFAULT_FIX,
      ].join('\n'),
    )
  })

  test('a bad CSV row is located by its line and row number; a user schema gets its own fix', async () => {
    const error = await errorOf(() => loadDataset(data('missing-input.csv'), { cwd: root }))
    expect(error.message).toBe(
      [
        '1 row of dataset "missing-input" does not match the schema:',
        '  fixtures/datasets/missing-input.csv:3 (row 2)',
        '    ✖ Invalid input: expected string, received undefined',
        '      → at input',
        DEFAULT_FIX,
      ].join('\n'),
    )
    const schema = z.object({ input: z.string(), reference: z.string().min(8) })
    const custom = await errorOf(() => loadDataset(data('missing-input.csv'), { cwd: root, schema }))
    expect(custom.message).toBe(
      [
        '2 rows of dataset "missing-input" do not match the schema:',
        '  fixtures/datasets/missing-input.csv:2 (row 1)',
        '    ✖ Too small: expected string to have >=8 characters',
        '      → at reference',
        '  fixtures/datasets/missing-input.csv:3 (row 2)',
        '    ✖ Invalid input: expected string, received undefined',
        '      → at input',
        'Fix the rows, or change the `schema` passed to loadDataset() to accept them.',
      ].join('\n'),
    )
  })

  test('the issues are kept apart from their display', async () => {
    const error = await errorOf(() => loadDatasetSync(data('bad-rows.jsonl'), { cwd: root }))
    expect((error as unknown as { problems: unknown[] }).problems).toMatchObject([
      { source: { file: data('bad-rows.jsonl'), line: 2 }, issues: [{ path: ['input'] }] },
      {
        source: { file: data('bad-rows.jsonl'), line: 4 },
        issues: [{ path: ['input'] }, { path: ['metadata'] }],
      },
    ])
  })

  test('at most ten failing rows are shown', async () => {
    const dir = tempDir()
    writeFileSync(
      join(dir, 'many.jsonl'),
      `${Array.from({ length: 14 }, (_, i) => `{"input":${i}}`).join('\n')}\n`,
    )
    const error = await errorOf(() => loadDataset('many.jsonl', { cwd: dir }))
    expect(error.message).toContain('14 rows of dataset "many" do not match the schema:')
    expect(error.message).toContain('  many.jsonl:10\n')
    expect(error.message).not.toContain('many.jsonl:11')
    expect(error.message).toContain('  ... and 4 more\n')
  })

  test('a malformed JSONL line fails with its file, line and the JSON parser message', async () => {
    const error = await errorOf(() => loadDataset(data('malformed.jsonl'), { cwd: root }))
    expect(error.code).toBe('RUBRIC_DATASET_PARSE')
    expect(error.message).toMatch(
      /^fixtures\/datasets\/malformed\.jsonl:3 is not valid JSON \(.+ at position 18( \(line 1 column 19\))?\)\. Each non-blank line of a JSONL file must be one complete JSON object; fix or remove the line\.$/,
    )
    expect(error.cause).toBeInstanceOf(SyntaxError)
  })

  test('a JSON file that does not parse, or is not an array', async () => {
    const broken = await errorOf(() => loadDataset(data('broken.json'), { cwd: root }))
    expect(broken.message).toMatch(
      /^fixtures\/datasets\/broken\.json is not valid JSON \(.+\)\. A \.json dataset is one array of row objects, \[\{ "input": "\.\.\." \}, \.\.\.\]; fix the file\.$/,
    )
    const object = await errorOf(() => loadDataset(data('not-array.json'), { cwd: root }))
    expect(object.message).toBe(
      'fixtures/datasets/not-array.json holds an object, not an array of rows. A .json dataset is one array of ' +
        'row objects, [{ "input": "..." }, ...]; for one row per line use a .jsonl file.',
    )
  })

  test('broken CSV: ragged rows, unclosed quotes, duplicate columns', async () => {
    const ragged = await errorOf(() => loadDataset(data('ragged.csv'), { cwd: root }))
    expect(ragged.code).toBe('RUBRIC_DATASET_PARSE')
    expect(ragged.message).toBe(
      'fixtures/datasets/ragged.csv:3 (row 2) has 3 fields but the header has 2 columns (input, reference). ' +
        'Quote fields that contain commas or line breaks, for example "a, b".',
    )
    const unclosed = await errorOf(() => loadDataset(data('unterminated.csv'), { cwd: root }))
    expect(unclosed.message).toBe(
      'fixtures/datasets/unterminated.csv:3 (row 2) has a quoted field that is never closed (column 1). ' +
        'Close it with a double quote, and write a quote inside a quoted field as "".',
    )
    const columns = await errorOf(() => loadDataset(data('duplicate-column.csv'), { cwd: root }))
    expect(columns.message).toBe(
      'fixtures/datasets/duplicate-column.csv:1: the header names column "input" twice (columns 1 and 2). ' +
        'Give every column a distinct name.',
    )
  })

  test('duplicate ids, and identical rows without ids', async () => {
    const ids = await errorOf(() => loadDataset(data('duplicate-id.jsonl'), { cwd: root }))
    expect(ids.code).toBe('RUBRIC_DATASET_DUPLICATE_ID')
    expect(ids.message).toBe(
      'fixtures/datasets/duplicate-id.jsonl:3 has the id "q1" of fixtures/datasets/duplicate-id.jsonl:1. ' +
        'Give each row a distinct id.',
    )
    const rows = await errorOf(() => loadDataset(data('duplicate-row.jsonl'), { cwd: root }))
    expect(rows.message).toMatch(
      /^fixtures\/datasets\/duplicate-row\.jsonl:2 repeats the row at fixtures\/datasets\/duplicate-row\.jsonl:1 \(content id [0-9a-f]{12}\)\. Remove the duplicate, or give the rows distinct ids\.$/,
    )
  })

  test('no matching file names the patterns and the cwd', async () => {
    const error = await errorOf(() => loadDataset(['data/*.jsonl', 'data/*.csv'], { cwd: root }))
    expect(error.code).toBe('RUBRIC_DATASET_NO_FILES')
    expect(error.message.replace(root, '<root>')).toBe(
      'no dataset files match "data/*.jsonl", "data/*.csv" in <root>. Check the pattern: it is a fast-glob ' +
        'pattern relative to the working directory (pass `cwd`, for example `cwd: import.meta.dirname`, to ' +
        'resolve it elsewhere).',
    )
    const sync = await errorOf(() => loadDatasetSync('nothing.jsonl', { cwd: root }))
    expect(sync.code).toBe('RUBRIC_DATASET_NO_FILES')
  })

  test('files without rows, files of another format, and bad arguments', async () => {
    const empty = await errorOf(() => loadDataset(data('empty.jsonl'), { cwd: root }))
    expect(empty.code).toBe('RUBRIC_DATASET_EMPTY')
    expect(empty.message).toBe(
      'dataset "empty" has no rows: fixtures/datasets/empty.jsonl holds none. Add rows, or check that the ' +
        'pattern matches the files you meant.',
    )
    const format = await errorOf(() => loadDataset(data('notes.txt'), { cwd: root }))
    expect(format.code).toBe('RUBRIC_DATASET_FORMAT')
    expect(format.message).toBe(
      'cannot read fixtures/datasets/notes.txt: ".txt" is not a dataset format. Use .jsonl (one JSON object per ' +
        'line), .json (an array of rows) or .csv (with a header row), or narrow the pattern to such files.',
    )
    const patterns = await errorOf(() => loadDataset([]))
    expect(patterns.message).toBe(
      "loadDataset() needs one or more file patterns, for example loadDataset('evals/data/*.jsonl'); got [].",
    )
    const schema = await errorOf(() => loadDataset(data('qa.jsonl'), { schema: { parse: () => 1 } as never }))
    expect(schema.message).toMatch(/^the `schema` option of loadDataset\(\) must be a zod 4 schema/)
  })
})

describe('parseCsv', () => {
  const fields = (text: string) => parseCsv(text).map((record) => record.fields)

  test('follows RFC 4180', () => {
    expect(fields('a,b\r\n1,2\r\n')).toEqual([
      ['a', 'b'],
      ['1', '2'],
    ])
    expect(fields('a,b\n"x, y","say ""hi"""\n')).toEqual([
      ['a', 'b'],
      ['x, y', 'say "hi"'],
    ])
    expect(fields('a\n"one\ntwo"\n')).toEqual([['a'], ['one\ntwo']])
    expect(fields('a,b,c\n1,,\n')).toEqual([
      ['a', 'b', 'c'],
      ['1', '', ''],
    ])
    expect(fields('a,b\n1,2')).toEqual([
      ['a', 'b'],
      ['1', '2'],
    ])
    expect(fields('a\n""\n')).toEqual([['a'], ['']])
  })

  test('skips blank lines and a byte order mark, keeps spaces and quotes inside unquoted fields', () => {
    expect(fields('\ufeffa,b\n\n 1 ,2"3\n\n')).toEqual([
      ['a', 'b'],
      [' 1 ', '2"3'],
    ])
  })

  test('records the line each record starts on', () => {
    expect(parseCsv('a,b\n"x\ny",1\n\nz,2\n').map((record) => record.line)).toEqual([1, 2, 5])
  })

  test('fails on text after a closing quote and on an unclosed quote, with the line', () => {
    expect(() => parseCsv('a\n"x"y\n')).toThrow(CsvSyntaxError)
    expect(() => parseCsv('a\n"x"y\n')).toThrow(/^has text after a closing quote in column 1\./)
    let thrown: unknown
    try {
      parseCsv('a,b\n1,2\n3,"open\nstill open\n')
    } catch (error) {
      thrown = error
    }
    expect(thrown).toMatchObject({ line: 3, record: 2 })
    expect(thrown).toBeInstanceOf(CsvSyntaxError)
  })
})
