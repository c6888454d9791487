import { extname } from 'node:path'
import type { RowSource } from '../types.ts'
import { CsvSyntaxError, parseCsv } from './csv.ts'
import { DatasetFormatError, DatasetParseError, formatSource } from './errors.ts'

/** A parsed, not yet validated row and where it comes from. */
export interface RawRow {
  value: unknown
  source: RowSource
}

export type DatasetFormat = 'jsonl' | 'json' | 'csv'

const FORMATS: Record<string, DatasetFormat> = {
  '.jsonl': 'jsonl',
  '.ndjson': 'jsonl',
  '.json': 'json',
  '.csv': 'csv',
}

/** The format of a dataset file, from its extension. */
export function formatOf(file: string): DatasetFormat {
  const extension = extname(file).toLowerCase()
  const format = FORMATS[extension]
  if (!format) throw new DatasetFormatError(file, extension)
  return format
}

/** Parses the text of a dataset file into raw rows. `file` is the path shown in errors and sources. */
export function parseDatasetText(file: string, text: string): RawRow[] {
  switch (formatOf(file)) {
    case 'jsonl':
      return parseJsonl(file, text).rows
    case 'json':
      return parseJsonArray(file, text)
    case 'csv':
      return parseCsvRows(file, text)
  }
}

/**
 * Parses JSON Lines: one JSON value per line, blank lines allowed, CRLF accepted. A malformed line fails with
 * its file and line, or with `malformed: 'skip'` is counted and left out.
 */
export function parseJsonl(
  file: string,
  text: string,
  malformed: 'error' | 'skip' = 'error',
): { rows: RawRow[]; skipped: number } {
  const rows: RawRow[] = []
  let skipped = 0
  const lines = stripBom(text).split('\n')
  for (let index = 0; index < lines.length; index++) {
    const line = lines[index]!.trim()
    if (line === '') continue
    const source: RowSource = { file, line: index + 1 }
    let value: unknown
    try {
      value = JSON.parse(line)
    } catch (error) {
      if (malformed === 'skip') {
        skipped++
        continue
      }
      throw new DatasetParseError(
        source,
        `${formatSource(source)} is not valid JSON (${(error as Error).message}). ` +
          'Each non-blank line of a JSONL file must be one complete JSON object; fix or remove the line.',
        { cause: error },
      )
    }
    rows.push({ value, source })
  }
  return { rows, skipped }
}

function parseJsonArray(file: string, text: string): RawRow[] {
  const shape = 'A .json dataset is one array of row objects, [{ "input": "..." }, ...]'
  let value: unknown
  try {
    value = JSON.parse(stripBom(text))
  } catch (error) {
    throw new DatasetParseError(
      { file },
      `${file} is not valid JSON (${(error as Error).message}). ${shape}; fix the file.`,
      { cause: error },
    )
  }
  if (!Array.isArray(value)) {
    const kind = value === null ? 'null' : typeof value === 'object' ? 'an object' : `a ${typeof value}`
    throw new DatasetParseError(
      { file },
      `${file} holds ${kind}, not an array of rows. ${shape}; for one row per line use a .jsonl file.`,
    )
  }
  return value.map((item, index) => ({ value: item, source: { file, index } }))
}

/**
 * Parses a CSV file with a header row into one object per data row, keyed by the (trimmed) column names.
 * Cells are text; empty cells are left out, since CSV cannot tell an empty value from a missing one.
 */
function parseCsvRows(file: string, text: string): RawRow[] {
  let records: ReturnType<typeof parseCsv>
  try {
    records = parseCsv(text)
  } catch (error) {
    if (!(error instanceof CsvSyntaxError)) throw error
    const source: RowSource = { file, line: error.line }
    if (error.record > 0) source.row = error.record
    throw new DatasetParseError(source, `${formatSource(source)} ${error.message}`, { cause: error })
  }
  const [header, ...data] = records
  if (!header) return []
  const columns = header.fields.map((name) => name.trim())
  columns.forEach((name, index) => {
    const source = { file, line: header.line }
    if (name === '') {
      throw new DatasetParseError(
        source,
        `${formatSource(source)}: the header has an empty column name (column ${index + 1}). ` +
          'Name every column, or remove the stray delimiter.',
      )
    }
    const first = columns.indexOf(name)
    if (first !== index) {
      throw new DatasetParseError(
        source,
        `${formatSource(source)}: the header names column "${name}" twice (columns ${first + 1} and ${index + 1}). ` +
          'Give every column a distinct name.',
      )
    }
  })
  return data.map((record, index) => {
    const source: RowSource = { file, line: record.line, row: index + 1 }
    if (record.fields.length !== columns.length) {
      throw new DatasetParseError(
        source,
        `${formatSource(source)} has ${record.fields.length} ${record.fields.length === 1 ? 'field' : 'fields'} ` +
          `but the header has ${columns.length} columns (${columns.join(', ')}). ` +
          'Quote fields that contain commas or line breaks, for example "a, b".',
      )
    }
    const value: Record<string, string> = {}
    record.fields.forEach((cell, column) => {
      if (cell !== '') value[columns[column]!] = cell
    })
    return { value, source }
  })
}

function stripBom(text: string): string {
  return text.charCodeAt(0) === 0xfeff ? text.slice(1) : text
}
