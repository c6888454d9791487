/** Word lists and word normalisation of the heuristic judge: stopwords, light words, numbers, stems. */

// Words that carry no claim of their own. Number words that double as pronouns ("one") are here too.
const STOPWORD_LIST =
  'a about above after again against all also am an and any are as at be because been before being below ' +
  'between both but by can could did do does doing done down during each either else even ever every few for ' +
  'from further get gets got had has have having he her here hers herself him himself his how i if in into is ' +
  'it its itself just let like may me might more most much must my myself neither no nor not now of off on ' +
  'once one ones only or other others our ours ourselves out over own per quite rather really same shall she ' +
  'should so some such than that the their theirs them themselves then there these they this those through ' +
  'thus to too under until up upon us very via was we were what whatever when where whether which while who ' +
  'whom whose why will with within without would yet you your yours yourself yourselves s t d ll m re ve n ' +
  'said says say told according just well still already yes okay ok oh im ive youre theyre hes shes thats whats ' +
  'theres dont doesnt didnt cant wont isnt arent wasnt werent havent hasnt wouldnt shouldnt couldnt cannot'
export const STOPWORDS: ReadonlySet<string> = new Set(STOPWORD_LIST.split(' '))

// Content words that say little on their own: generic verbs, vague quantities and stance adverbs.
export const LIGHT_WORDS: ReadonlySet<string> = new Set(
  (
    'go goes went gone going come comes came get gets getting got make makes made take takes took give gives ' +
    'gave put back need needs want wants keep keeps able way ways thing things lot lots really actually ' +
    'basically simply obviously clearly certainly definitely sure many much likely often usually always ' +
    'sometimes maybe something anything everything someone anyone everyone work works'
  ).split(' '),
)

export const NUMBER_WORDS: Readonly<Record<string, string>> = {
  two: '2',
  three: '3',
  four: '4',
  five: '5',
  six: '6',
  seven: '7',
  eight: '8',
  nine: '9',
  ten: '10',
  eleven: '11',
  twelve: '12',
  twenty: '20',
  thirty: '30',
  forty: '40',
  fifty: '50',
  hundred: '100',
  thousand: '1000',
  million: '1000000',
  billion: '1000000000',
  second: '2',
  third: '3',
  fourth: '4',
  fifth: '5',
  sixth: '6',
  seventh: '7',
  eighth: '8',
  ninth: '9',
  tenth: '10',
  half: '0.5',
  twice: '2',
  double: '2',
}

/** `NUMBER_WORDS` maps "second" to 2, but "a second look" is no number; only count it next to a noun of time. */
export const AMBIGUOUS_NUMBER_WORDS: ReadonlySet<string> = new Set(['second', 'double', 'half'])

const SCALE: Readonly<Record<string, number>> = {
  thousand: 1e3,
  k: 1e3,
  million: 1e6,
  m: 1e6,
  billion: 1e9,
  bn: 1e9,
}

/** `50,000` → `50000`; `150th` → `150`; `3.50` → `3.5`; `£1.1m` and `1.1 million` → `1100000`; `21:45` stays. */
export function normalizeNumber(raw: string): string {
  const compact = raw.replace(/ /g, '')
  const [, digits = compact, suffix = ''] = /^([\d.,:]+)(.*)$/.exec(compact) ?? []
  if (digits.includes(':')) return digits
  const value = Number(digits.replace(/,/g, '')) * (SCALE[suffix] ?? 1)
  return Number.isNaN(value) ? digits : String(Math.round(value * 1000) / 1000)
}

// Words that end like a plural but are not one.
const INVARIANT: ReadonlySet<string> = new Set(
  'news series species means physics politics economics athletics always perhaps lens atlas canvas'.split(
    ' ',
  ),
)

/**
 * A light English stemmer: plural, past, progressive, adverb and agent endings, so "refunds", "refunded" and
 * "refunding" meet. Deliberately conservative: a wrong merge would count an unsupported claim as supported.
 */
export function stem(word: string): string {
  let w = word.replace(/['’]/g, '')
  if (w.length <= 3 || INVARIANT.has(w)) return w
  if (w.endsWith('ies') && w.length > 4) w = `${w.slice(0, -3)}y`
  else if (w.endsWith('sses')) w = w.slice(0, -2)
  else if (/(?:ches|shes|xes|zes|oes)$/.test(w)) w = w.slice(0, -2)
  else if (w.endsWith('s') && !/(?:ss|us|is|ous)$/.test(w)) w = w.slice(0, -1)
  if (/[aeiouy].*(?:ing|ed)$/.test(w) && w.length > 5) {
    w = w.endsWith('ing') ? w.slice(0, -3) : w.slice(0, -2)
    if (/([^aeioudflsz])\1$/.test(w)) w = w.slice(0, -1)
  } else if (w.endsWith('ly') && w.length > 5) {
    w = w.slice(0, -2)
  } else if (w.endsWith('er') && w.length > 6) {
    w = w.slice(0, -2)
  }
  if (w.endsWith('y') && w.length > 3) w = `${w.slice(0, -1)}i`
  if (w.endsWith('e') && w.length > 4) w = w.slice(0, -1)
  return w
}
