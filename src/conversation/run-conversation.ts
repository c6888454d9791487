import type { RunnerTestCase } from 'vitest'
import { RubricArgumentError, RubricError } from '../errors.ts'
import { TranscriptError } from '../transcript/errors.ts'
import type { Transcript, TranscriptMessage, TranscriptUsage } from '../transcript/schema.ts'
import { toTranscript } from '../transcript/to-transcript.ts'
import type { SimulatedUser } from './simulated-user.ts'

export type { SimulatedUser } from './simulated-user.ts'

/** User turns a simulated user plays at most when `maxTurns` is not given. */
const DEFAULT_SIMULATED_TURNS = 8

/** What the agent is given on each turn. */
export interface AgentTurn {
  /** The conversation so far, the user's new message last. */
  transcript: Transcript
  /** The user's new message. */
  message: string
  /** The turn, from 1. */
  turn: number
}

/** Options of `runConversation`. */
export interface RunConversationOptions {
  /**
   * The system under test. Given the conversation so far, it returns the messages it adds: its reply in any
   * shape `toTranscript` reads (Chat Completions messages, Responses items, AI SDK messages or a `generateText`
   * result, Anthropic messages), a `Transcript`, or plain text for a reply without tool calls.
   */
  agent: (turn: AgentTurn) => unknown
  /**
   * The user: a scripted user, the user's messages one per turn in order (fully deterministic); or a simulated
   * user, `{ persona, goal }`, whose turns the run's LLM judge writes until the goal is reached, the user gives
   * up or `maxTurns` is reached. Simulated turns are stored in the eval file's judgment store like judgments, so
   * a replayed run is the same conversation, with no call and no key.
   */
  user: readonly string[] | SimulatedUser
  /** A system prompt to open the transcript with. */
  system?: string
  /** The most user turns to play. @default every scripted message; 8 for a simulated user */
  maxTurns?: number
  /** Ends the conversation early when it returns `true` after an agent's reply. */
  stopWhen?: (transcript: Transcript) => boolean
  /**
   * The test to record what the agent spent on (a `task` record: its time and the tokens its replies report),
   * for the reporter's latency and token statistics: the `task` of the test context. Without it, the cost is
   * recorded on Vitest's current test unless tests run concurrently (eval files do by default), where the current
   * test may be another. A `describeEval` row records its task itself. Its signal cancels a simulated turn in
   * flight when the test times out.
   * @example test('...', async ({ expect, task }) => { const t = await runConversation({ agent, user, test: task }) })
   */
  test?: Readonly<RunnerTestCase>
}

/**
 * Drives an agent through a conversation with a scripted or simulated user and returns the transcript, for the
 * matchers. Each turn appends the user's message, then the agent's reply converted with `toTranscript`; the token
 * usage the replies report is kept in `usage`. Inside a test, the agent's time and tokens are recorded as the
 * test's `task` record (see `test`); a simulated user's calls are the judge's cost, under the run's judge limits
 * and budget, not the agent's.
 *
 * @throws RubricError `RUBRIC_AGENT_FAILED` when the agent throws (the cause kept), `TranscriptError` when its
 * reply is in no accepted shape, naming the turn; for a simulated user, `RUBRIC_SIMULATOR_UNAVAILABLE` where the
 * judge is the heuristic one and no turn is stored, `RUBRIC_STORE_MISS` in `replay` mode without a stored turn,
 * and the judge call's failure (`JudgeFailureError`) when the turn could not be made.
 */
export async function runConversation(options: RunConversationOptions): Promise<Transcript> {
  const { agent, user, stopWhen } = options
  if (typeof agent !== 'function') {
    throw new RubricArgumentError(
      'runConversation() needs `agent`, a function that takes { transcript, message, turn } and returns its reply.',
    )
  }
  const scripted = Array.isArray(user) ? (user as readonly string[]) : undefined
  if (scripted ? !isScript(scripted) : !isSimulatedUser(user)) {
    throw new RubricArgumentError(
      "runConversation() needs `user`: the scripted user's messages (a non-empty array of strings, one per turn), " +
        "or a simulated user ({ persona: 'a customer who ...', goal: 'a refund for ...' }, non-empty strings).",
    )
  }
  const maxTurns = options.maxTurns ?? scripted?.length ?? DEFAULT_SIMULATED_TURNS
  if (!Number.isInteger(maxTurns) || maxTurns < 1) {
    throw new RubricArgumentError(
      `runConversation() option \`maxTurns\` is ${String(maxTurns)}; pass a whole number of 1 or more.`,
    )
  }
  // A simulated turn is cancelled with the test it is recorded on (its timeout, or a failed run).
  const signal = options.test?.context?.signal
  const simulated = scripted ? undefined : await simulatedUserOf(user as SimulatedUser, options.test, signal)
  const messages: TranscriptMessage[] =
    options.system === undefined ? [] : [{ role: 'system', content: options.system }]
  const usage: TranscriptUsage[] = []
  const transcript = (): Transcript => ({
    messages: [...messages],
    ...(usage.length > 0 ? { usage: [...usage] } : {}),
  })
  let agentMs = 0
  let turns = 0
  for (let turn = 1; turn <= Math.min(maxTurns, scripted?.length ?? maxTurns); turn++) {
    const message = scripted ? scripted[turn - 1]! : await simulated!.next(messages, turn)
    if (message === undefined) break
    messages.push({ role: 'user', content: message })
    let reply: unknown
    const started = performance.now()
    try {
      reply = await agent({ transcript: transcript(), message, turn })
    } catch (cause) {
      throw new RubricError(
        'RUBRIC_AGENT_FAILED',
        `runConversation(): the agent threw on turn ${turn} (user: ${JSON.stringify(message.slice(0, 80))}): ` +
          `${cause instanceof Error ? cause.message : String(cause)}. Fix the agent, or assert on the error with ` +
          '`await expect(runConversation(...)).rejects...`.',
        { cause },
      )
    } finally {
      agentMs += performance.now() - started
    }
    turns = turn
    const added = readReply(reply, turn)
    messages.push(...added.messages)
    usage.push(...(added.usage ?? []))
    if (stopWhen?.(transcript())) break
  }
  const result = transcript()
  await recordCost(options.test, agentMs, result, turns)
  return result
}

function isScript(user: readonly unknown[]): boolean {
  return user.length > 0 && user.every((message) => typeof message === 'string')
}

function isSimulatedUser(user: unknown): boolean {
  const { persona, goal, opening, model } = (user ?? {}) as Partial<Record<keyof SimulatedUser, unknown>>
  const text = (value: unknown) => typeof value === 'string' && value.trim() !== ''
  return (
    typeof user === 'object' &&
    text(persona) &&
    text(goal) &&
    (opening === undefined || text(opening)) &&
    (model === undefined || text(model))
  )
}

/** A simulated user's next messages: `undefined` once the user is done or gives up. Its code loads here. */
async function simulatedUserOf(
  user: SimulatedUser,
  test: Readonly<RunnerTestCase> | undefined,
  signal: AbortSignal | undefined,
) {
  const { nextUserMove, simulatorSource } = await import('./simulated-user.ts')
  const { conversationTest } = await import('./conversation-cost.ts')
  // Each turn's `simulation` record goes to the conversation's test, where its spend shows in the reports.
  const source = simulatorSource(user, conversationTest(test as RunnerTestCase | undefined))
  return {
    async next(messages: readonly TranscriptMessage[], turn: number): Promise<string | undefined> {
      if (turn === 1 && user.opening !== undefined) return user.opening
      const move = await nextUserMove(user, source, messages, turn, signal)
      return move.action === 'continue' ? move.message : undefined
    },
  }
}

/** Records the agent's cost on the test, when there is one to record it on. */
async function recordCost(
  given: Readonly<RunnerTestCase> | undefined,
  agentMs: number,
  transcript: Transcript,
  turns: number,
): Promise<void> {
  // Outside Vitest's runner (a script) there is no test: nothing to load.
  if (given === undefined && !(globalThis as { __vitest_worker__?: unknown }).__vitest_worker__) return
  const { costTest, recordConversationCost } = await import('./conversation-cost.ts')
  const test = costTest(given as RunnerTestCase | undefined)
  if (test) recordConversationCost(test, agentMs, transcript, turns)
}

function readReply(reply: unknown, turn: number): Transcript {
  if (typeof reply === 'string') return { messages: [{ role: 'assistant', content: reply }] }
  try {
    return toTranscript(reply)
  } catch (error) {
    if (!(error instanceof TranscriptError)) throw error
    throw new TranscriptError(
      error.message.replace(
        /^toTranscript\(\)/,
        `runConversation(): the agent's reply on turn ${turn} cannot be read:`,
      ),
      { ...(error.messageIndex === undefined ? {} : { messageIndex: error.messageIndex }), cause: error },
    )
  }
}
