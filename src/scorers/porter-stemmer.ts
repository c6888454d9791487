/**
 * The Porter stemmer (Porter, "An algorithm for suffix stripping", Program 14.3, 1980), with the departures that
 * NLTK's `PorterStemmer` makes in its default `NLTK_EXTENSIONS` mode. Google's rouge-score stems with that class
 * in that mode, so ROUGE scores with `stem: true` match rouge-score's `use_stemmer=True`. The departures:
 *
 * - a short table of irregular forms (`dying` -> `die`, `skies` -> `sky`, `news` -> `news`, ...);
 * - words of one or two letters are left alone;
 * - step 1a: `-ies` -> `-ie` in four-letter words (`ties` -> `tie`, but `flies` -> `fli`);
 * - step 1b: `-ied` -> `-ie` in four-letter words, else `-i`, whatever the measure;
 * - step 1c: `y` -> `i` only after a consonant that is not the first letter (`happy` -> `happi`, `enjoy`,
 *   `sky` unchanged);
 * - step 2: `-alli` -> `-al` is tried first and step 2 runs again on the result; `-bli` -> `-ble` replaces
 *   `-abli` -> `-able`; `-fulli` -> `-ful`; `-logi` -> `-log` when the stem with its `l` has a positive measure;
 * - condition *o also holds for a two-letter stem vowel-consonant.
 *
 * Input is expected in lower case (the tokenizer lowercases). Checked against NLTK 3.8 on a vocabulary kept in
 * `fixtures/scorers/porter-vocabulary.json`.
 */

const IRREGULAR_FORMS = new Map<string, string>([
  ['sky', 'sky'],
  ['skies', 'sky'],
  ['dying', 'die'],
  ['lying', 'lie'],
  ['tying', 'tie'],
  ['news', 'news'],
  ['innings', 'inning'],
  ['inning', 'inning'],
  ['outings', 'outing'],
  ['outing', 'outing'],
  ['cannings', 'canning'],
  ['canning', 'canning'],
  ['howe', 'howe'],
  ['proceed', 'proceed'],
  ['exceed', 'exceed'],
  ['succeed', 'succeed'],
])

/** A suffix rule: replace `suffix` by `replacement` when `when(stem, word)` holds for the rest of the word. */
type SuffixRule = readonly [
  suffix: string,
  replacement: string,
  when: (stem: string, word: string) => boolean,
]

/** Returns the stem of one lower-case word. */
export function porterStem(word: string): string {
  const irregular = IRREGULAR_FORMS.get(word)
  if (irregular !== undefined) return irregular
  if (word.length <= 2) return word
  let stem = step1a(word)
  stem = step1b(stem)
  stem = step1c(stem)
  stem = step2(stem)
  stem = step3(stem)
  stem = step4(stem)
  stem = step5a(stem)
  return step5b(stem)
}

function isVowelLetter(letter: string | undefined): boolean {
  return letter === 'a' || letter === 'e' || letter === 'i' || letter === 'o' || letter === 'u'
}

/** Porter's consonant: not a, e, i, o, u, and not a `y` that follows a consonant. */
function isConsonant(word: string, at: number): boolean {
  let i = at
  // A run of y's alternates consonant, vowel, ... after whatever precedes it.
  let flips = 0
  while (word[i] === 'y' && i > 0) {
    flips++
    i--
  }
  const base = word[i] === 'y' ? true : !isVowelLetter(word[i])
  return flips % 2 === 0 ? base : !base
}

/** Porter's m: the number of vowel-to-consonant transitions in [C](VC)^m[V]. */
function measure(stem: string): number {
  let m = 0
  let previousWasVowel = false
  for (let i = 0; i < stem.length; i++) {
    const consonant = isConsonant(stem, i)
    if (consonant && previousWasVowel) m++
    previousWasVowel = !consonant
  }
  return m
}

function hasVowel(stem: string): boolean {
  for (let i = 0; i < stem.length; i++) if (!isConsonant(stem, i)) return true
  return false
}

function endsWithDoubleConsonant(word: string): boolean {
  const n = word.length
  return n >= 2 && word[n - 1] === word[n - 2] && isConsonant(word, n - 1)
}

/** Porter's *o: the stem ends consonant-vowel-consonant, the last not w, x or y (NLTK: or is vowel-consonant). */
function endsCvc(word: string): boolean {
  const n = word.length
  if (n === 2) return !isConsonant(word, 0) && isConsonant(word, 1)
  if (n < 3) return false
  const last = word[n - 1]
  return (
    isConsonant(word, n - 3) &&
    !isConsonant(word, n - 2) &&
    isConsonant(word, n - 1) &&
    last !== 'w' &&
    last !== 'x' &&
    last !== 'y'
  )
}

const positive = (stem: string) => measure(stem) > 0
const aboveOne = (stem: string) => measure(stem) > 1

/**
 * Applies the rule with the longest suffix the word ends with. When its condition fails the word is returned
 * unchanged: shorter suffixes are not tried (the paper's convention).
 */
function applyLongest(word: string, rules: readonly SuffixRule[]): string {
  let chosen: SuffixRule | undefined
  for (const rule of rules) {
    if (word.endsWith(rule[0]) && (chosen === undefined || rule[0].length > chosen[0].length)) chosen = rule
  }
  if (chosen === undefined) return word
  const stem = word.slice(0, word.length - chosen[0].length)
  return chosen[2](stem, word) ? stem + chosen[1] : word
}

function step1a(word: string): string {
  if (word.endsWith('sses')) return word.slice(0, -2)
  if (word.endsWith('ies')) return word.length === 4 ? word.slice(0, -1) : word.slice(0, -2)
  if (word.endsWith('ss')) return word
  if (word.endsWith('s')) return word.slice(0, -1)
  return word
}

function step1b(word: string): string {
  if (word.endsWith('ied')) return word.length === 4 ? word.slice(0, -1) : word.slice(0, -2)
  if (word.endsWith('eed')) {
    const stem = word.slice(0, -3)
    return measure(stem) > 0 ? `${stem}ee` : word
  }
  let stem: string | undefined
  if (word.endsWith('ed') && hasVowel(word.slice(0, -2))) stem = word.slice(0, -2)
  else if (word.endsWith('ing') && hasVowel(word.slice(0, -3))) stem = word.slice(0, -3)
  if (stem === undefined) return word
  // Tidying after -ed or -ing went: restore the e of -ate, -ble, -ize; undouble; restore the e of short stems.
  if (stem.endsWith('at') || stem.endsWith('bl') || stem.endsWith('iz')) return `${stem}e`
  if (endsWithDoubleConsonant(stem)) {
    const last = stem[stem.length - 1]
    return last === 'l' || last === 's' || last === 'z' ? stem : stem.slice(0, -1)
  }
  if (measure(stem) === 1 && endsCvc(stem)) return `${stem}e`
  return stem
}

function step1c(word: string): string {
  if (!word.endsWith('y')) return word
  const stem = word.slice(0, -1)
  return stem.length > 1 && isConsonant(stem, stem.length - 1) ? `${stem}i` : word
}

const STEP2_RULES: readonly SuffixRule[] = [
  ['ational', 'ate', positive],
  ['tional', 'tion', positive],
  ['enci', 'ence', positive],
  ['anci', 'ance', positive],
  ['izer', 'ize', positive],
  ['bli', 'ble', positive],
  ['alli', 'al', positive],
  ['entli', 'ent', positive],
  ['eli', 'e', positive],
  ['ousli', 'ous', positive],
  ['ization', 'ize', positive],
  ['ation', 'ate', positive],
  ['ator', 'ate', positive],
  ['alism', 'al', positive],
  ['iveness', 'ive', positive],
  ['fulness', 'ful', positive],
  ['ousness', 'ous', positive],
  ['aliti', 'al', positive],
  ['iviti', 'ive', positive],
  ['biliti', 'ble', positive],
  ['fulli', 'ful', positive],
  // The l of -logi stays with the stem for the measure, so that geo-logi and theo-logi shorten too.
  ['logi', 'log', (_stem, word) => positive(word.slice(0, -3))],
]

function step2(word: string): string {
  if (word.endsWith('alli') && positive(word.slice(0, -4))) return step2(word.slice(0, -2))
  return applyLongest(word, STEP2_RULES)
}

const STEP3_RULES: readonly SuffixRule[] = [
  ['icate', 'ic', positive],
  ['ative', '', positive],
  ['alize', 'al', positive],
  ['iciti', 'ic', positive],
  ['ical', 'ic', positive],
  ['ful', '', positive],
  ['ness', '', positive],
]

function step3(word: string): string {
  return applyLongest(word, STEP3_RULES)
}

const STEP4_RULES: readonly SuffixRule[] = [
  ...['al', 'ance', 'ence', 'er', 'ic', 'able', 'ible', 'ant', 'ement', 'ment', 'ent'].map(
    (suffix): SuffixRule => [suffix, '', aboveOne],
  ),
  ['ion', '', (stem) => aboveOne(stem) && (stem.endsWith('s') || stem.endsWith('t'))],
  ...['ou', 'ism', 'ate', 'iti', 'ous', 'ive', 'ize'].map((suffix): SuffixRule => [suffix, '', aboveOne]),
]

function step4(word: string): string {
  return applyLongest(word, STEP4_RULES)
}

function step5a(word: string): string {
  if (!word.endsWith('e')) return word
  const stem = word.slice(0, -1)
  const m = measure(stem)
  return m > 1 || (m === 1 && !endsCvc(stem)) ? stem : word
}

function step5b(word: string): string {
  return word.endsWith('ll') && measure(word.slice(0, -1)) > 1 ? word.slice(0, -1) : word
}
