/**
 * Internal to the reporter: the commit a run tested, read from the `.git` directory (no `git` process is started).
 */
import { readFile, stat } from 'node:fs/promises'
import { dirname, isAbsolute, join, resolve } from 'node:path'

const SHA = /^[0-9a-f]{40}([0-9a-f]{24})?$/

/**
 * The commit checked out in the git work tree that holds `root`: `HEAD` itself when detached, else the commit its
 * branch points to (loose ref, then `packed-refs`). Worktrees and submodules (a `.git` file naming the git
 * directory) are followed. Falls back to `GITHUB_SHA` or `CI_COMMIT_SHA`, and to `null` outside a repository.
 */
export async function readGitCommit(
  root: string,
  env: NodeJS.ProcessEnv = process.env,
): Promise<string | null> {
  try {
    const fromGit = await commitFromGitDirectory(root)
    if (fromGit) return fromGit
  } catch {
    // an unreadable repository says nothing about the commit
  }
  const fromEnv = env.GITHUB_SHA ?? env.CI_COMMIT_SHA
  return fromEnv && SHA.test(fromEnv) ? fromEnv : null
}

async function commitFromGitDirectory(root: string): Promise<string | null> {
  const gitDir = await findGitDirectory(resolve(root))
  if (!gitDir) return null
  const head = (await readFile(join(gitDir, 'HEAD'), 'utf8')).trim()
  if (SHA.test(head)) return head
  const ref = /^ref:\s*(\S+)$/.exec(head)?.[1]
  if (!ref) return null
  // A worktree's git directory holds its own HEAD; branches live in the common directory.
  const commonDir = await readCommonDirectory(gitDir)
  for (const directory of [gitDir, commonDir]) {
    const loose = await readText(join(directory, ref))
    if (loose && SHA.test(loose.trim())) return loose.trim()
  }
  const packed = await readText(join(commonDir, 'packed-refs'))
  for (const line of packed?.split('\n') ?? []) {
    const [sha, name] = line.trim().split(' ')
    if (name === ref && sha && SHA.test(sha)) return sha
  }
  return null
}

async function findGitDirectory(start: string): Promise<string | null> {
  let directory = start
  for (;;) {
    const candidate = join(directory, '.git')
    const info = await stat(candidate).catch(() => undefined)
    if (info?.isDirectory()) return candidate
    if (info?.isFile()) {
      const target = /^gitdir:\s*(.+)$/m.exec(await readFile(candidate, 'utf8'))?.[1]?.trim()
      if (target) return isAbsolute(target) ? target : resolve(directory, target)
    }
    const parent = dirname(directory)
    if (parent === directory) return null
    directory = parent
  }
}

async function readCommonDirectory(gitDir: string): Promise<string> {
  const common = (await readText(join(gitDir, 'commondir')))?.trim()
  if (!common) return gitDir
  return isAbsolute(common) ? common : resolve(gitDir, common)
}

async function readText(path: string): Promise<string | undefined> {
  try {
    return await readFile(path, 'utf8')
  } catch {
    return undefined
  }
}
