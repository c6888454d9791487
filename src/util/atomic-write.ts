import { randomBytes } from 'node:crypto'
import { createWriteStream } from 'node:fs'
import { mkdir, rename, rm, writeFile } from 'node:fs/promises'
import { basename, dirname, join } from 'node:path'
import { finished } from 'node:stream/promises'

/**
 * Writes `text` to `path` so that readers see either the old file or the whole new one, never a part: the text
 * goes to a temporary file in the same directory (a rename is only atomic within one file system), which then
 * replaces `path`. Missing directories are created.
 */
export async function writeFileAtomic(path: string, text: string): Promise<void> {
  await replaceAtomically(path, (temporary) => writeFile(temporary, text, 'utf8'))
}

/**
 * Writes the concatenation of `chunks` to `path` as `writeFileAtomic` does, one chunk at a time through a write
 * stream, so that a large document is never held whole in memory.
 */
export async function writeChunksAtomic(path: string, chunks: Iterable<string>): Promise<void> {
  await replaceAtomically(path, async (temporary) => {
    const stream = createWriteStream(temporary, { encoding: 'utf8' })
    const closed = finished(stream)
    // Without a listener, a write error would be thrown by the stream rather than by `closed`.
    closed.catch(() => {})
    try {
      for (const chunk of chunks) {
        if (!stream.write(chunk)) await waitForDrain(stream, closed)
      }
    } finally {
      // Closed before the temporary file is removed, even when the chunks failed, so that none is left behind.
      stream.end()
      await closed.catch(() => {})
    }
    await closed
  })
}

async function replaceAtomically(path: string, write: (temporary: string) => Promise<void>): Promise<void> {
  const directory = dirname(path)
  await mkdir(directory, { recursive: true })
  const temporary = join(directory, `.${basename(path)}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`)
  try {
    await write(temporary)
    await rename(temporary, path)
  } catch (error) {
    await rm(temporary, { force: true })
    throw error
  }
}

/** Resolves when the stream can take more, or rejects with the stream's error. */
function waitForDrain(stream: NodeJS.WritableStream, closed: Promise<void>): Promise<void> {
  return Promise.race([new Promise<void>((resolve) => stream.once('drain', () => resolve())), closed])
}
