import { porterStem } from './porter-stemmer.ts'

/** How text is split into tokens for ROUGE and Jaccard. */
export interface TokenizeOptions {
  /**
   * Reduce tokens longer than three characters to their Porter stem (`running` -> `run`), as rouge-score does
   * with `use_stemmer=True`.
   * @default false
   */
  stem?: boolean
}

const NON_ALPHANUMERIC = /[^a-z0-9]+/g

/**
 * Splits text into tokens the way Google's rouge-score does: lower-case it, turn every run of characters other
 * than `a`-`z` and `0`-`9` into a space, split on spaces, and with `stem` replace tokens longer than three
 * characters by their Porter stem. Letters outside ASCII separate tokens (`café` gives `caf`), so this suits
 * English text; pass your own `tokenize` to the ROUGE scorers for other languages.
 */
export function tokenize(text: string, options: TokenizeOptions = {}): string[] {
  const tokens = text.toLowerCase().replace(NON_ALPHANUMERIC, ' ').split(' ')
  const out: string[] = []
  for (const token of tokens) {
    if (token === '') continue
    out.push(options.stem === true && token.length > 3 ? porterStem(token) : token)
  }
  return out
}
