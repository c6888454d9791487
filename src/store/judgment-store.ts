import type { JudgeRequest, Judgment } from '../types.ts'
import { contentHash } from '../util/hash.ts'
import { BatchedWrites } from './batched-writes.ts'
import { readStoreFile, type StoreDocument, type StoredJudgment, writeStoreEntries } from './store-file.ts'

const MAX_STORED_TEXT = 4000

/** The key of a judgment: judge, rubric, the dimensions asked for, and everything the judge read. */
export function judgmentKey(judgeId: string, request: JudgeRequest): string {
  return contentHash({
    judge: judgeId,
    rubric: request.rubric.id,
    dimensions: [...request.dimensions].sort(),
    input: request.input,
    output: request.output,
    context: request.context,
    reference: request.reference,
  })
}

/**
 * The store of one eval file inside a worker: read once, then served from memory; new judgments are merged
 * into the file in batches (writes that arrive while one is under way go out together in the next).
 */
export class JudgmentStore {
  private document: Promise<StoreDocument> | undefined
  private readonly writes: BatchedWrites<Record<string, StoredJudgment>>

  constructor(readonly file: string) {
    this.writes = new BatchedWrites(
      () => ({}),
      (batch) => writeStoreEntries(file, batch),
    )
  }

  async get(key: string): Promise<StoredJudgment | undefined> {
    this.document ??= readStoreFile(this.file)
    return (await this.document).judgments[key]
  }

  /** Keeps a live judgment; resolves once it is on disk. */
  async put(key: string, request: JudgeRequest, judgment: Judgment): Promise<void> {
    this.document ??= readStoreFile(this.file)
    const document = await this.document
    const entry = toStored(request, judgment)
    document.judgments[key] = entry
    await this.writes.write((batch) => {
      batch[key] = entry
    })
  }
}

export function fromStored(entry: StoredJudgment): Judgment {
  return {
    judgeId: entry.judgeId,
    judgeName: entry.judgeName,
    ...(entry.model === undefined ? {} : { model: entry.model }),
    rubricId: entry.rubricId,
    scores: entry.scores,
    ...(entry.tokens ? { tokens: entry.tokens } : {}),
    latencyMs: entry.latencyMs,
    source: 'stored',
  }
}

function toStored(request: JudgeRequest, judgment: Judgment): StoredJudgment {
  return {
    judgeId: judgment.judgeId,
    judgeName: judgment.judgeName,
    ...(judgment.model === undefined ? {} : { model: judgment.model }),
    rubricId: judgment.rubricId,
    scores: judgment.scores,
    ...(judgment.tokens ? { tokens: judgment.tokens } : {}),
    latencyMs: Math.round(judgment.latencyMs),
    judgedAt: new Date().toISOString(),
    ...(request.input === undefined ? {} : { input: shorten(request.input) }),
    output: shorten(request.output),
  }
}

function shorten(text: string): string {
  return text.length <= MAX_STORED_TEXT ? text : `${text.slice(0, MAX_STORED_TEXT)}…`
}
