/** The outcome of reading an output as JSON. */
export type JsonReading = { ok: true; value: unknown } | { ok: false; problem: string }

/**
 * Parses text as JSON and, when it is not, says where and why: the line and column of the error, an empty
 * output, or a Markdown code fence around the JSON (models add one unless told not to).
 */
export function readJson(text: string): JsonReading {
  try {
    return { ok: true, value: JSON.parse(text) }
  } catch (error) {
    if (text.trim() === '') return { ok: false, problem: 'the output is empty' }
    const detail = describeJsonError(text, error as Error)
    const fenced = /^\s*```/.test(text)
      ? '; it is wrapped in a Markdown code fence: ask the model for bare JSON, or strip the fence before the check'
      : ''
    return { ok: false, problem: `${detail}${fenced}` }
  }
}

function describeJsonError(text: string, error: Error): string {
  // Node 20 says "at position N", Node 22 adds "(line L column C)".
  const message = error.message.replace(/\s*\(line \d+ column \d+\)/, '')
  const lineColumn = /line (\d+) column (\d+)/.exec(error.message)
  if (lineColumn) return `line ${lineColumn[1]}, column ${lineColumn[2]}: ${message}`
  const position = /at position (\d+)/.exec(error.message)?.[1]
  if (position === undefined) return message
  const before = text.slice(0, Number(position))
  const line = before.split('\n').length
  const column = Number(position) - before.lastIndexOf('\n')
  return `line ${line}, column ${column}: ${message}`
}
