import { RubricError } from '../errors.ts'
import { decodeVector } from '../store/embedding-store.ts'
import type { ResolvedEmbeddings } from './options.ts'

// The SDK is only a type here: it is imported on the first live call, so a replayed suite never loads it.
type Sdk = typeof import('openai')
type Client = InstanceType<Sdk['OpenAI']>

/** Calls an OpenAI-compatible `/v1/embeddings` API. */
export interface Embedder {
  readonly model: string
  /** One vector per text, in order, in one call. */
  embed(texts: readonly string[], signal?: AbortSignal): Promise<number[][]>
}

/** An embedding model behind any OpenAI-compatible server, called through the `openai` SDK. */
export function createEmbedder(options: ResolvedEmbeddings): Embedder {
  const { model } = options
  let client: Promise<Client> | undefined

  function connect(apiKey: string): Promise<Client> {
    client ??= import('openai').then(
      (sdk) =>
        new sdk.OpenAI({
          apiKey,
          timeout: options.timeout,
          maxRetries: options.maxRetries,
          ...(options.baseURL ? { baseURL: options.baseURL } : {}),
        }),
      (cause: unknown) => {
        client = undefined
        throw new RubricError(
          'RUBRIC_EMBEDDINGS_SDK_MISSING',
          `embedding similarity needs the \`openai\` package, which could not be loaded. Install it: npm i openai.`,
          { cause },
        )
      },
    )
    return client
  }

  return {
    model,
    async embed(texts, signal) {
      if (!options.apiKey) throw missingKey(model)
      const openai = await connect(options.apiKey)
      let response: Awaited<ReturnType<Client['embeddings']['create']>>
      try {
        response = await openai.embeddings.create(
          {
            model,
            input: [...texts],
            // Floats are understood by every OpenAI-compatible server; base64 is not.
            encoding_format: 'float',
            ...(options.dimensions === undefined ? {} : { dimensions: options.dimensions }),
          },
          signal ? { signal } : {},
        )
      } catch (error) {
        const status = (error as { status?: number }).status
        const detail = error instanceof Error ? error.message : String(error)
        throw new RubricError(
          'RUBRIC_EMBEDDINGS_HTTP',
          `the embeddings call to "${model}"${options.baseURL ? ` at ${options.baseURL}` : ''} failed` +
            `${status === undefined ? '' : ` with HTTP ${status}`}: ${detail}. Check the model name, the base URL ` +
            "and the key in evals({ embeddings }), or use a lexical method such as { method: 'rouge-l' }.",
          { cause: error },
        )
      }
      return readVectors(response, texts.length, model)
    },
  }
}

function readVectors(response: unknown, expected: number, model: string): number[][] {
  const data = (response as { data?: unknown }).data
  const invalid = (detail: string) =>
    new RubricError(
      'RUBRIC_EMBEDDINGS_INVALID',
      `the embeddings response of "${model}" is not usable: ${detail}. Is the base URL an OpenAI-compatible ` +
        '/v1/embeddings API?',
    )
  if (!Array.isArray(data) || data.length !== expected) {
    throw invalid(`expected ${expected} vectors, got ${Array.isArray(data) ? data.length : 'none'}`)
  }
  const vectors = new Array<number[]>(expected)
  for (const [position, item] of data.entries()) {
    const { index, embedding } = item as { index?: unknown; embedding?: unknown }
    const at = typeof index === 'number' && Number.isInteger(index) ? index : position
    const vector =
      typeof embedding === 'string'
        ? decodeVector(embedding)
        : Array.isArray(embedding) &&
            embedding.every((value) => typeof value === 'number' && Number.isFinite(value))
          ? (embedding as number[])
          : undefined
    if (!vector || vector.length === 0 || at < 0 || at >= expected)
      throw invalid(`vector ${position} is malformed`)
    // Kept as float32, as the store keeps them, so that a replayed score equals the live one exactly.
    vectors[at] = vector.map(Math.fround)
  }
  if (vectors.some((vector) => vector === undefined)) throw invalid('some texts got no vector')
  return vectors
}

function missingKey(model: string): RubricError {
  return new RubricError(
    'RUBRIC_MISSING_EMBEDDINGS_KEY',
    `the embedding model "${model}" has no API key. Either:\n` +
      '  1. set OPENAI_API_KEY (and OPENAI_BASE_URL for a server other than OpenAI),\n' +
      "  2. configure it: evals({ embeddings: { model, baseURL: 'http://localhost:11434/v1', apiKey: 'local' } }),\n" +
      '  3. record the vectors where a key is set and commit __judgments__ (replays need no key),\n' +
      "  4. or compare the texts themselves: toBeSimilarTo(reference, floor, { method: 'rouge-l' }).",
  )
}
