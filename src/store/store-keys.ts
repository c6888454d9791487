/**
 * The keys of a store file's entries, read from its bytes without building the document. The reporter looks for
 * obsolete entries in every store file of the run when it ends; parsing each whole made text and objects of about
 * the file's size, which at thousands of judgments raised the main process's peak memory by as much as its records.
 * Only a file with an entry no test used is then read whole (`readStoreFile`), which also checks it.
 */

/** The keys of the entry sections of a store file (`judgments`, `embeddings`, `simulatedTurns`). */
export type StoreEntryKeys = Record<EntrySection, string[]>

const SECTIONS = ['judgments', 'embeddings', 'simulatedTurns'] as const
type EntrySection = (typeof SECTIONS)[number]

const QUOTE = 0x22
const BACKSLASH = 0x5c
const COMMA = 0x2c
const OPEN_OBJECT = 0x7b
const CLOSE_OBJECT = 0x7d
const OPEN_ARRAY = 0x5b
const CLOSE_ARRAY = 0x5d

/**
 * The entry keys of the store file read into `bytes` (UTF-8 JSON). Throws on text that is not a balanced JSON structure;
 * values are skipped, not checked.
 */
export function scanStoreKeys(bytes: Buffer): StoreEntryKeys {
  const found: StoreEntryKeys = { judgments: [], embeddings: [], simulatedTurns: [] }
  // One frame per open container: whether it is an object, and for an object whether a key comes next and the
  // last key read (the key its nested containers sit under).
  const stack: { object: boolean; keyNext: boolean; key: string | undefined }[] = []
  let at = 0
  while (at < bytes.length) {
    const byte = bytes[at]!
    if (byte === QUOTE) {
      const end = stringEnd(bytes, at)
      const frame = stack.at(-1)
      if (frame?.object && frame.keyNext) {
        const key = decodeString(bytes, at, end)
        frame.key = key
        frame.keyNext = false
        const section = stack.length === 2 ? stack[0]!.key : undefined
        if (section !== undefined && (SECTIONS as readonly string[]).includes(section))
          found[section as EntrySection].push(key)
      }
      at = end + 1
      continue
    }
    if (byte === OPEN_OBJECT || byte === OPEN_ARRAY) {
      stack.push({ object: byte === OPEN_OBJECT, keyNext: byte === OPEN_OBJECT, key: undefined })
    } else if (byte === CLOSE_OBJECT || byte === CLOSE_ARRAY) {
      const frame = stack.pop()
      if (!frame || frame.object !== (byte === CLOSE_OBJECT))
        throw new SyntaxError(`unbalanced JSON at byte ${at}`)
    } else if (byte === COMMA) {
      const frame = stack.at(-1)
      if (frame?.object) frame.keyNext = true
    }
    at += 1
  }
  if (stack.length > 0) throw new SyntaxError('the JSON text ends inside a value')
  return found
}

/** The index of the quote that closes the string opening at `start`. */
function stringEnd(bytes: Buffer, start: number): number {
  let at = start + 1
  while (at < bytes.length) {
    const byte = bytes[at]!
    if (byte === BACKSLASH) at += 2
    else if (byte === QUOTE) return at
    else at += 1
  }
  throw new SyntaxError(`unterminated string at byte ${start}`)
}

function decodeString(bytes: Buffer, start: number, end: number): string {
  // Keys are content hashes, with no escapes; any other key is read as JSON reads it.
  for (let at = start + 1; at < end; at++) {
    if (bytes[at] === BACKSLASH) return JSON.parse(bytes.toString('utf8', start, end + 1)) as string
  }
  return bytes.toString('utf8', start + 1, end)
}
