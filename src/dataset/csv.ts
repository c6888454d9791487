/** One record of a CSV text: its fields and the 1-based line it starts on. */
export interface CsvRecord {
  fields: string[]
  line: number
}

/** A CSV text that breaks RFC 4180, at a 1-based line. */
export class CsvSyntaxError extends Error {
  readonly line: number
  /** The 0-based index of the record the error is in (0 is the header, when there is one). */
  readonly record: number

  constructor(line: number, record: number, message: string) {
    super(message)
    this.name = 'CsvSyntaxError'
    this.line = line
    this.record = record
  }
}

/**
 * Parses CSV text as RFC 4180 describes it: fields separated by `delimiter`, records by CRLF or LF, fields in
 * double quotes may hold delimiters, quotes (written `""`) and line breaks. A quote inside an unquoted field is
 * kept as text; text after a closing quote is an error. Blank lines are skipped. A leading byte order mark is
 * not part of the first field.
 */
export function parseCsv(text: string, delimiter = ','): CsvRecord[] {
  const records: CsvRecord[] = []
  const length = text.length
  let i = text.charCodeAt(0) === 0xfeff ? 1 : 0
  let line = 1

  const atLineEnd = (at: number) => text[at] === '\n' || (text[at] === '\r' && text[at + 1] === '\n')

  while (i < length) {
    const recordLine = line
    const fields: string[] = []
    let quotedAny = false
    for (;;) {
      let value: string
      if (text[i] === '"') {
        quotedAny = true
        const openLine = line
        value = ''
        i++
        for (;;) {
          const close = text.indexOf('"', i)
          if (close === -1) {
            throw new CsvSyntaxError(
              openLine,
              records.length,
              `has a quoted field that is never closed (column ${fields.length + 1}). ` +
                'Close it with a double quote, and write a quote inside a quoted field as "".',
            )
          }
          const chunk = text.slice(i, close)
          line += countNewlines(chunk)
          value += chunk
          if (text[close + 1] === '"') {
            value += '"'
            i = close + 2
          } else {
            i = close + 1
            break
          }
        }
        if (i < length && text[i] !== delimiter && !atLineEnd(i)) {
          throw new CsvSyntaxError(
            line,
            records.length,
            `has text after a closing quote in column ${fields.length + 1}. Quote the whole field and write ` +
              'a quote inside it as "", for example "say ""hi"" now".',
          )
        }
      } else {
        const start = i
        while (i < length && text[i] !== delimiter && !atLineEnd(i)) i++
        value = text.slice(start, i)
      }
      fields.push(value)
      if (i >= length) break
      if (text[i] === delimiter) {
        i++
        continue
      }
      i += text[i] === '\r' ? 2 : 1
      line++
      break
    }
    const blank = fields.length === 1 && fields[0] === '' && !quotedAny
    if (!blank) records.push({ fields, line: recordLine })
  }
  return records
}

function countNewlines(text: string): number {
  let count = 0
  for (let at = text.indexOf('\n'); at !== -1; at = text.indexOf('\n', at + 1)) count++
  return count
}
