import { RubricArgumentError } from '../errors.ts'
import { CONVERSATION_PROMPT_VERSION } from '../judge/conversation-prompt.ts'
import { PAIRWISE_PROMPT_VERSION } from '../judge/pairwise-prompt.ts'
import { shorten } from '../reporter/worst.ts'
import type { JudgeRequest, Judgment, StoreTextLimit } from '../types.ts'
import { contentHash } from '../util/hash.ts'
import { openStore, type SharedStore } from './shared-store.ts'
import type { StoredJudgment } from './store-file.ts'

/** How much judged text a stored judgment keeps unless `storeText` says otherwise. */
export const DEFAULT_STORE_TEXT: Required<StoreTextLimit> = { output: 1000, excerpt: 200 }

/** The limits of `storeText` with the defaults filled in; throws unless each is a whole number above 0. */
export function resolveStoreText(
  option: StoreTextLimit | undefined,
  where: string,
): Required<StoreTextLimit> {
  const text = { ...DEFAULT_STORE_TEXT, ...option }
  for (const [name, value] of Object.entries(text)) {
    if (!Number.isInteger(value) || value < 1) {
      throw new RubricArgumentError(
        `${where} \`storeText.${name}\` is ${String(value)}; it is a number of characters, a whole number of ` +
          `at least 1 (default ${DEFAULT_STORE_TEXT[name as keyof StoreTextLimit]}).`,
      )
    }
  }
  return text
}

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
    // Absent for text, so that the keys of stored text judgments do not change.
    conversation: request.conversation && {
      prompt: CONVERSATION_PROMPT_VERSION,
      scope: request.conversation.scope,
      expectedTools: request.conversation.expectedTools,
    },
    comparison: comparisonKey(request),
  })
}

/** What a comparison adds to its keys (absent for one output): the second output and the comparison prompt. */
function comparisonKey(request: JudgeRequest) {
  return request.comparison && { prompt: PAIRWISE_PROMPT_VERSION, outputB: request.comparison.outputB }
}

/**
 * What a judgment judged, without the dimensions: judge, rubric and everything the judge read. Two requests of
 * the same material differ only in the dimensions they ask for, and a judgment of more dimensions answers one
 * of fewer.
 */
export function materialKey(judgeId: string, request: JudgeRequest): string {
  return contentHash({
    judge: judgeId,
    rubric: request.rubric.id,
    input: request.input,
    output: request.output,
    context: request.context,
    reference: request.reference,
    comparison: comparisonKey(request),
  })
}

/** Whether a judgment with `scores` answers every one of `dimensions`. */
export function covers(scores: Readonly<Record<string, unknown>>, dimensions: readonly string[]): boolean {
  return dimensions.every((dimension) => Object.hasOwn(scores, dimension))
}

/**
 * The judgments of one eval file's store: served from the file's open store (read once per process), new
 * judgments written with its next batch.
 */
export class JudgmentStore {
  private readonly store: SharedStore

  constructor(
    readonly file: string,
    private readonly text: Required<StoreTextLimit> = DEFAULT_STORE_TEXT,
  ) {
    this.store = openStore(file)
  }

  async get(key: string): Promise<StoredJudgment | undefined> {
    return (await this.store.read()).judgments[key]
  }

  /** A stored judgment of the same `material` that scored every one of `dimensions` (and maybe more), with its key. */
  async covering(
    material: string,
    dimensions: readonly string[],
  ): Promise<{ key: string; entry: StoredJudgment } | undefined> {
    // A scan: it runs only on a miss, which is followed by a judge call.
    for (const [key, entry] of Object.entries((await this.store.read()).judgments)) {
      if (entry.material === material && covers(entry.scores, dimensions)) return { key, entry }
    }
    return undefined
  }

  /**
   * Keeps a live judgment; resolves once it is on disk. `spaced` for a caller that does not wait on the write
   * before going on (see `BatchedWrites`). `material` is the request's {@link materialKey}.
   */
  async put(
    key: string,
    request: JudgeRequest,
    judgment: Judgment,
    spaced = false,
    material?: string,
  ): Promise<void> {
    const entry = toStored(request, judgment, this.text)
    if (material) entry.material = material
    await this.store.write({ judgments: { [key]: entry } }, { spaced })
  }

  /** Writes the judgments waiting for a spaced batch at once; resolves once they are on disk or failed. */
  drain(): Promise<void> {
    return this.store.drain()
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

/**
 * The entry of a live judgment. Store files are committed, so the judged text is kept only so far as a diff
 * needs it to show what changed: the output up to `text.output` characters, the input and context as an excerpt
 * beside the hash of their whole text (the key covers the whole texts either way).
 */
export function toStored(
  request: JudgeRequest,
  judgment: Judgment,
  text: Required<StoreTextLimit> = DEFAULT_STORE_TEXT,
): StoredJudgment {
  const output = shorten(request.output, text.output)
  return {
    judgeId: judgment.judgeId,
    judgeName: judgment.judgeName,
    ...(judgment.model === undefined ? {} : { model: judgment.model }),
    rubricId: judgment.rubricId,
    scores: judgment.scores,
    ...(judgment.tokens ? { tokens: judgment.tokens } : {}),
    latencyMs: Math.round(judgment.latencyMs),
    judgedAt: new Date().toISOString(),
    ...(request.input === undefined
      ? {}
      : { input: shorten(request.input, text.excerpt), inputHash: contentHash(request.input) }),
    ...(request.context === undefined
      ? {}
      : { context: shorten(request.context, text.excerpt), contextHash: contentHash(request.context) }),
    output,
    ...(output !== request.output ? { outputHash: contentHash(request.output) } : {}),
    ...(request.comparison ? { outputB: shorten(request.comparison.outputB, text.output) } : {}),
  }
}
