/**
 * Internal to the reporter: where the HTML report links an output's test. In GitHub Actions, to the file at the
 * run's commit on GitHub (with its line); elsewhere, to the file on disk, relative to the report.
 */
import { dirname, relative } from 'node:path'

export interface SourceLinks {
  /** Prepended to a file path relative to the Vitest root. */
  base: string
  /** Whether the target shows a line from a `#L<line>` fragment (GitHub does; a file on disk does not). */
  lineAnchor: boolean
}

/**
 * The links of an HTML report written to `htmlPath` for a run at `root`. GitHub's variables win when the run's
 * commit is known and the root is inside the checked-out workspace.
 */
export function sourceLinks(
  root: string,
  htmlPath: string,
  commit: string | null,
  env: NodeJS.ProcessEnv = process.env,
): SourceLinks {
  const { GITHUB_SERVER_URL, GITHUB_REPOSITORY, GITHUB_WORKSPACE } = env
  if (GITHUB_SERVER_URL && GITHUB_REPOSITORY && commit) {
    const inRepository = GITHUB_WORKSPACE ? slashes(relative(GITHUB_WORKSPACE, root)) : ''
    if (!inRepository.startsWith('..')) {
      const folder = inRepository ? `${inRepository.split('/').map(encodeURIComponent).join('/')}/` : ''
      return { base: `${GITHUB_SERVER_URL}/${GITHUB_REPOSITORY}/blob/${commit}/${folder}`, lineAnchor: true }
    }
  }
  const up = slashes(relative(dirname(htmlPath), root))
  return { base: up ? `${up}/` : '', lineAnchor: false }
}

/** The link to `file` (relative to the Vitest root) at `line`. */
export function sourceHref(links: SourceLinks, file: string, line: number | undefined): string {
  const path = file.split('/').map(encodeURIComponent).join('/')
  return `${links.base}${path}${links.lineAnchor && line !== undefined ? `#L${line}` : ''}`
}

function slashes(path: string): string {
  return path.replaceAll('\\', '/')
}
