import {
  AMBIGUOUS_NUMBER_WORDS,
  LIGHT_WORDS,
  NUMBER_WORDS,
  normalizeNumber,
  STOPWORDS,
  stem,
} from './words.ts'

/**
 * Text primitives of the heuristic judge: sentence splitting, word tokens and an index of a text's content
 * words. Pure functions, no dependencies.
 */

/** A word of a text, lower-cased, with its stem and what kind of word it is. */
export interface Term {
  /** The word as written, lower-cased (numbers normalised: `50,000` → `50000`, `third` → `3`). */
  word: string
  /** The stem used for matching; for a number, the number. */
  stem: string
  number: boolean
  stop: boolean
  /** A content word that says little on its own ("get", "back", "really"): it counts half. */
  light: boolean
  /** Written with a capital letter away from the start of its sentence: a name, a place, a product. */
  name: boolean
}

const ABBREVIATIONS: ReadonlySet<string> = new Set(
  'mr mrs ms dr prof st jr sr vs etc inc ltd corp fig approx dept gov sen e.g i.e u.s u.k a.m p.m'.split(' '),
)

/**
 * Splits a text into sentences: at `.`, `!`, `?` and line breaks, not after abbreviations or initials and not
 * inside numbers. Works on cased and lower-cased text alike.
 */
export function splitSentences(text: string): string[] {
  const sentences: string[] = []
  for (const block of text.split(/\n+/)) {
    let start = 0
    const boundary = /([.!?]+)(["'’”)\]]*)(\s+|$)/g
    for (let match = boundary.exec(block); match !== null; match = boundary.exec(block)) {
      const end = match.index + match[1]!.length + match[2]!.length
      const before = block.slice(start, match.index).trimEnd()
      const lastWord = /(\S+)$/.exec(before)?.[1]?.toLowerCase() ?? ''
      const rest = block.slice(end)
      if (match[1] === '.' && match[3] !== '' && isAbbreviation(lastWord, rest)) continue
      if (match[1] === '.' && /\d$/.test(before) && /^\s?\d/.test(rest)) continue
      pushSentence(sentences, block.slice(start, end))
      start = end
    }
    pushSentence(sentences, block.slice(start))
  }
  return sentences
}

function isAbbreviation(word: string, rest: string): boolean {
  const bare = word.replace(/^[("'`]+/, '')
  if (ABBREVIATIONS.has(bare)) return true
  // A single letter before a period is an initial ("J. Smith"), unless the next word starts a new sentence.
  return /^[a-z]$/i.test(bare) && /^\s*[A-Z]/.test(rest)
}

function pushSentence(sentences: string[], raw: string): void {
  const sentence = raw.trim()
  if (/[\p{L}\p{N}]/u.test(sentence)) sentences.push(sentence)
}

// Numbers keep their separators, also as tokenised corpora write them ("235 , 000", "98 . 7"), and their
// scale words ("1.1 million", "£10m"), so that every way of writing a number meets the same value. A word
// with digits after letters ("g4s", "mp3") is a name, not a number.
const TOKEN =
  /\d+(?: ?, ?\d{3}(?!\d)| ?[.:] ?\d+)*(?: ?(?:million|billion|thousand)\b|bn\b|[km]\b|st\b|nd\b|rd\b|th\b|s\b|%)?|\p{L}+\d[\p{L}\d]*|\p{L}+(?:['’]\p{L}+)?/gu

/** The words of a text as terms, in order. */
export function terms(text: string): Term[] {
  const result: Term[] = []
  let sentenceStart = true
  let index = 0
  for (const match of text.matchAll(TOKEN)) {
    const between = text.slice(index, match.index)
    if (/[.!?:]\s*$/.test(between) || /\n/.test(between)) sentenceStart = true
    index = match.index + match[0].length
    result.push(toTerm(match[0], sentenceStart, text.slice(index, index + 12)))
    sentenceStart = false
  }
  return result
}

function toTerm(raw: string, sentenceStart: boolean, after: string): Term {
  const lower = raw.toLowerCase().replace(/['’]s$/, '')
  const name = !sentenceStart && /^\p{Lu}/u.test(raw) && !/^i$/i.test(raw)
  if (/^\d/.test(lower)) {
    const value = normalizeNumber(lower)
    return { word: value, stem: value, number: true, stop: false, light: false, name: false }
  }
  const spelled = NUMBER_WORDS[lower]
  if (
    spelled !== undefined &&
    (!AMBIGUOUS_NUMBER_WORDS.has(lower) || /^\s*(time|day|week|month|year)/i.test(after))
  ) {
    return { word: spelled, stem: spelled, number: true, stop: false, light: false, name: false }
  }
  return {
    word: lower,
    stem: stem(lower),
    number: false,
    stop: STOPWORDS.has(lower.replace(/['’]/g, '')),
    light: LIGHT_WORDS.has(lower),
    name,
  }
}

/** The terms that carry content: no stopwords. */
export function contentTerms(text: string): Term[] {
  return terms(text).filter((term) => !term.stop && (term.number || term.word.length > 1))
}

/** A text's content words, indexed for look-ups. */
export interface TermIndex {
  stems: ReadonlySet<string>
  /** The first letters of long words, so "nominated" meets "nomination". */
  prefixes: ReadonlySet<string>
  numbers: ReadonlySet<string>
  /** Positions of each stem in the text's sequence of content words, ascending. */
  positions: ReadonlyMap<string, readonly number[]>
}

const PREFIX_LENGTH = 6

export function indexTerms(text: string): TermIndex {
  const stems = new Set<string>()
  const prefixes = new Set<string>()
  const numbers = new Set<string>()
  const positions = new Map<string, number[]>()
  const content = contentTerms(text)
  content.forEach((term, position) => {
    stems.add(term.stem)
    if (term.number) numbers.add(term.stem)
    else if (term.word.length > PREFIX_LENGTH) prefixes.add(term.word.slice(0, PREFIX_LENGTH))
    const list = positions.get(term.stem)
    if (list) list.push(position)
    else positions.set(term.stem, [position])
  })
  return { stems, prefixes, numbers, positions }
}

/** Whether the indexed text contains the term: the same number, the same stem, or the same long-word prefix. */
export function hasTerm(index: TermIndex, term: Term): boolean {
  if (term.number) return index.numbers.has(term.stem)
  if (index.stems.has(term.stem)) return true
  return term.word.length > PREFIX_LENGTH && index.prefixes.has(term.word.slice(0, PREFIX_LENGTH))
}

/** Content terms with one entry per stem, in order of first appearance. */
export function uniqueTerms(terms: readonly Term[]): Term[] {
  const seen = new Set<string>()
  const unique: Term[] = []
  for (const term of terms) {
    if (seen.has(term.stem)) continue
    seen.add(term.stem)
    unique.push(term)
  }
  return unique
}

/** Weight of a term in coverage counts: numbers and names carry the facts. */
export function termWeight(term: Term): number {
  return term.number ? 3 : term.name ? 2 : term.light ? 0.5 : 1
}
