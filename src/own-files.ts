import { dirname, extname, join, sep } from 'node:path'
import { fileURLToPath } from 'node:url'

// This module sits at the top of src/, and in dist/ itself once bundled (scripts/build.mjs), beside the entry files.
const here = fileURLToPath(import.meta.url)

/** The folder of the package's own code, with a trailing separator: src/ from source, dist/ from the package. */
export const OWN_DIR = `${dirname(here)}${sep}`

/** The path of one of the package's entry files (`setup`, `index`): `.ts` from source, `.js` from the package. */
export function entryFile(name: string): string {
  return join(OWN_DIR, `${name}${extname(here)}`)
}
