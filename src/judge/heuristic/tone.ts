import { listSome, quote } from './format.ts'
import { clamp01, type MethodInput, type MethodResult } from './method.ts'
import { findUnsafe } from './safety.ts'
import { splitSentences } from './text.ts'

/**
 * Tone, from lexicons and typography: dismissive or condescending phrases and insults against politeness
 * markers, shouting in capitals and strings of exclamation marks. A neutral, correct answer scores 0.85.
 */

const DISMISSIVE: readonly RegExp[] = [
  /\b(?:obviously|clearly),? you\b/i,
  /\bas i (?:already |just )?(?:said|told you|explained|mentioned)\b/i,
  /\b(?:read|check) the (?:\w+ )?manual\b|\brtfm\b/i,
  /\bfigure it out (?:yourself|on your own)\b/i,
  /\bnot my (?:problem|job|fault|concern)\b/i,
  /^\s*whatever\b/im,
  /\b(?:just )?google it\b/i,
  /\b(?:stupid|dumb|silly|ridiculous) question\b/i,
  /\bcalm down\b/i,
  /\bdeal with it\b/i,
  /\b(?:that's|that is|it's|it is|this is) (?:all )?your (?:own )?(?:fault|problem)\b/i,
  /\byou should have (?:known|read|checked)\b/i,
  /\bduh\b/i,
  /\bseriously\s*\?/i,
  /\buse your (?:brain|head|eyes)\b/i,
  /\bi (?:don't|do not) care\b/i,
  /\bhow many times\b/i,
  /\bnot rocket science\b/i,
  /\beven a (?:child|kid|monkey)\b/i,
  /\bget a clue\b/i,
  /\bno offen[cs]e,? but\b/i,
  /\btoo bad\b/i,
  /\bwhat part of\b/i,
  /\bstop (?:asking|wasting|bothering)\b/i,
  /\bare you (?:even|serious|kidding)\b/i,
  /\bit's not that hard\b|\bit is not that hard\b/i,
]

const POLITE =
  /\b(?:please|thank(?:s| you)|sorry|apologi[sz]e|happy to help|glad to (?:help|hear)|you're welcome|you are welcome|i understand|i can see why|hope (?:this|that) helps|let me know|feel free|appreciate|great question)\b/gi

/** Words of three or more capitals; short ones may be acronyms, so shouting needs a run or a long word. */
function shouting(output: string): string | undefined {
  const run = /\b(?:[A-Z]{2,}[!?.,]*\s+){2,}[A-Z]{2,}\b/.exec(output)
  if (run && /[A-Z]{5,}/.test(run[0])) return run[0]
  const words = output.match(/\b\p{L}{3,}\b/gu) ?? []
  const capitals = words.filter((word) => /^\p{Lu}+$/u.test(word) && word.length >= 5)
  return words.length >= 4 && capitals.length / words.length > 0.3
    ? capitals.slice(0, 3).join(' ')
    : undefined
}

export function scoreTone({ output }: MethodInput): MethodResult {
  if (output.trim() === '') return { score: 0, reason: 'the output is empty.' }
  const problems: string[] = []
  let score = 0.85

  const insults = findUnsafe(output).filter((finding) => /insult|threat/.test(finding.what))
  for (const insult of insults) {
    problems.push(`${insult.what} ${insult.evidence}`)
    score -= 0.6
  }
  const dismissive = DISMISSIVE.map((pattern) => pattern.exec(output)?.[0]).filter(
    (phrase) => phrase !== undefined,
  )
  if (dismissive.length > 0) {
    problems.push(
      `dismissive or condescending: ${listSome(
        dismissive.map((phrase) => quote(phrase)),
        3,
      )}`,
    )
    score -= 0.35 * Math.min(2, dismissive.length)
  }
  const shouted = shouting(output)
  if (shouted) {
    problems.push(`shouting in capitals: ${quote(shouted, 40)}`)
    score -= 0.3
  }
  const exclamations = (output.match(/!/g) ?? []).length
  const sentences = splitSentences(output)
  if (
    /!{2,}/.test(output) ||
    exclamations > 3 ||
    (sentences.length >= 2 && exclamations / sentences.length > 0.5)
  ) {
    problems.push(`${exclamations} exclamation marks`)
    score -= 0.2
  }
  const words = output.split(/\s+/).filter(Boolean).length
  const polite = [...new Set((output.match(POLITE) ?? []).map((marker) => marker.toLowerCase()))]
  if (polite.length > 0) score += 0.15
  else if (words < 4) {
    problems.push(`a curt reply of ${words} ${words === 1 ? 'word' : 'words'}`)
    score -= 0.25
  }

  const politeness =
    polite.length > 0 ? `politeness markers: ${listSome(polite.map((marker) => quote(marker)))}` : ''
  if (problems.length === 0) {
    return {
      score: clamp01(score),
      reason: politeness
        ? `polite and calm: ${politeness}; no dismissive phrase, shouting or exclamation spam.`
        : 'neutral: no dismissive phrase, shouting or exclamation spam, and no politeness marker either.',
    }
  }
  return {
    score: clamp01(score),
    reason: `the tone is off: ${problems.join('; ')}${politeness ? ` (${politeness})` : ''}.`,
  }
}
