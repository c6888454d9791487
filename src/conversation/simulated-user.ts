/**
 * Internal to `runConversation`: the turns of a simulated user, served from the eval file's judgment store or made
 * by the run's LLM judge (in the main process, under the run's limits and budget), and stored like judgments.
 * Loaded only when a conversation has a simulated user.
 */
import { relative } from 'node:path'
import { expect, type RunnerTestCase, TestRunner } from 'vitest'
import { JudgeFailureError, RubricError } from '../errors.ts'
import { errorOfCause } from '../judge/judgment-error.ts'
import { currentJudge } from '../matchers/judge-service.ts'
import { provided } from '../matchers/worker-options.ts'
import { appendRecords } from '../record/append.ts'
import type { RecordError } from '../record/schema.ts'
import { isPanel, isPanelJudge } from '../reliability/panel.ts'
import { shorten } from '../reporter/worst.ts'
import { storeMissMessage } from '../store/mode.ts'
import { openStore, type SharedStore } from '../store/shared-store.ts'
import { type StoredSimulatedTurn, storePathFor } from '../store/store-file.ts'
import { renderTranscript } from '../transcript/render.ts'
import type { TranscriptMessage } from '../transcript/schema.ts'
import type { JudgeOption, StoreMode } from '../types.ts'
import { contentHash } from '../util/hash.ts'
import {
  SIMULATOR_PROMPT_VERSION,
  type SimulatorAction,
  type SimulatorReply,
  type SimulatorRequest,
} from './simulator-prompt.ts'

/** A user played by an LLM: who they are and what they want. */
export interface SimulatedUser {
  /** Who the user is: their situation, what they know, how they write. */
  persona: string
  /** What the user wants from the conversation. The simulated user stops once the agent has achieved it. */
  goal: string
  /** The user's first message, as written; without it, the simulated user writes it too. */
  opening?: string
  /**
   * The model that plays the user, on the judge's server, with its key and under its limits. Name it to keep
   * stored turns replaying when the judge's model changes, or where the judge is the offline heuristic judge
   * (which cannot play a user, but replays stored turns of a named model).
   * @default the judge's model (a panel's first member's)
   */
  model?: string
}

/** Plays one simulated user's turns. */
export interface SimulatorSource {
  /** The model that plays the user, when one is known. */
  model: string | undefined
  /** The judge's call, or `undefined` where the judge cannot play a user (the heuristic judge). */
  simulate: ((request: SimulatorRequest & { signal?: AbortSignal }) => Promise<SimulatorReply>) | undefined
  mode: StoreMode
  /** The eval file's store; `undefined` outside a test file or with the store off. */
  store: SharedStore | undefined
  /** The store file as messages name it (relative to the root). */
  storeFile: string | undefined
  /** The test each turn's `simulation` record is appended to; absent when none can be told (nothing recorded). */
  test?: Readonly<RunnerTestCase>
}

/** The user's next move. */
export interface UserMove {
  action: SimulatorAction
  message: string
}

/** The simulated user of this eval file's run: the judge's, and the eval file's store. */
export function simulatorSource(
  user: SimulatedUser,
  test: Readonly<RunnerTestCase> | undefined,
): SimulatorSource {
  const { judge: option, store: policy, root } = provided()
  const testFile = expect.getState().testPath
  const judge = currentJudge()
  const player = isPanelJudge(judge) ? judge.members[0] : judge
  const simulate = (player as { simulate?: SimulatorSource['simulate'] } | undefined)?.simulate
  const file = policy.mode === 'off' || testFile === undefined ? undefined : storePathFor(testFile)
  return {
    model: user.model ?? judgeModel(option),
    simulate: simulate && ((request) => simulate.call(player, request)),
    mode: policy.mode,
    store: file === undefined ? undefined : openStore(file),
    storeFile: file && relative(root, file).split('\\').join('/'),
    ...(test ? { test } : {}),
  }
}

function judgeModel(option: JudgeOption): string | undefined {
  if (option === 'heuristic') return undefined
  return isPanel(option) ? option.panel[0]?.model : option.model
}

/** The messages the user saw: their own and the agent's text, without the system prompt or tool calls. */
export function visibleConversation(messages: readonly TranscriptMessage[]): string {
  const seen = messages.flatMap((message): TranscriptMessage[] => {
    if (message.role === 'user') return [{ role: 'user', content: message.content }]
    if (message.role === 'assistant' && message.content.trim() !== '')
      return [{ role: 'assistant', content: message.content }]
    return []
  })
  return renderTranscript({ messages: seen })
}

/** The store key of a turn: the simulator's prompt and model, the persona, the goal and what the user saw. */
export function simulatedTurnKey(model: string, user: SimulatedUser, conversation: string): string {
  return contentHash({
    simulator: SIMULATOR_PROMPT_VERSION,
    model,
    persona: user.persona,
    goal: user.goal,
    conversation,
  })
}

/**
 * The user's move on `turn`, after `messages`: the stored turn (unless `record`), else a live one (unless
 * `replay`), stored. Fails when no turn can be had, saying how to get one.
 */
export async function nextUserMove(
  user: SimulatedUser,
  source: SimulatorSource,
  messages: readonly TranscriptMessage[],
  turn: number,
  signal?: AbortSignal,
): Promise<UserMove> {
  const { model, store, mode } = source
  const where = `runConversation(): the simulated user's turn ${turn}`
  if (model === undefined) {
    throw new RubricError(
      'RUBRIC_SIMULATOR_UNAVAILABLE',
      `${where} cannot be played: the offline heuristic judge cannot simulate a user. Configure an LLM judge ` +
        "(evals({ judge: { model: 'gpt-4.1-mini' } }), or OPENAI_API_KEY in the demo), script the user's " +
        'messages (`user: [...]`), or name the `model` whose stored turns to replay.',
    )
  }
  const conversation = visibleConversation(messages)
  const key = simulatedTurnKey(model, user, conversation)
  if (store && mode !== 'record') {
    const stored = (await store.read()).simulatedTurns?.[key]
    if (stored) {
      recordTurn(source, key, turn, {
        model: stored.model,
        source: 'stored',
        latencyMs: stored.latencyMs,
        action: stored.action,
        message: stored.message,
        ...(stored.tokens ? { tokens: stored.tokens } : {}),
      })
      return { action: stored.action, message: stored.message }
    }
  }
  if (!source.simulate) {
    throw new RubricError(
      'RUBRIC_SIMULATOR_UNAVAILABLE',
      `${where} is not stored${source.storeFile ? ` in ${source.storeFile}` : ''}, and the offline heuristic ` +
        `judge cannot simulate a user. Run with an LLM judge (evals({ judge: { model: '${model}' } }) and its ` +
        "key) to record it, or script the user's messages (`user: [...]`).",
    )
  }
  if (mode === 'replay') {
    throw new JudgeFailureError(
      'RUBRIC_STORE_MISS',
      `${where}: ${storeMissMessage('turn of this simulated user after this conversation', source.storeFile)}`,
    )
  }
  const request = { model, persona: user.persona, goal: user.goal, conversation, turn }
  const reply = await source.simulate(signal ? { ...request, signal } : request)
  const spent = {
    model: reply.model,
    source: 'live' as const,
    latencyMs: reply.latencyMs,
    ...(reply.tokens ? { tokens: reply.tokens } : {}),
    ...(reply.costUsd === undefined ? {} : { costUsd: reply.costUsd }),
    ...(reply.retries ? { retries: reply.retries } : {}),
  }
  if (reply.error) {
    recordTurn(source, key, turn, { ...spent, error: reply.error, message: '' })
    const { code, message, status, requestId, cause } = reply.error
    throw new JudgeFailureError(code, `${where} failed: ${message}`, {
      status,
      requestId,
      ...(cause ? { cause: errorOfCause(cause) } : {}),
    })
  }
  if (store) await store.write({ simulatedTurns: { [key]: storedTurn(user, reply, turn, messages) } })
  recordTurn(source, key, turn, {
    ...spent,
    action: reply.action,
    message: reply.message,
    written: store !== undefined,
  })
  return { action: reply.action, message: reply.message }
}

/** What a turn's `simulation` record says of its call. */
interface TurnSpend {
  model: string
  source: 'live' | 'stored'
  latencyMs: number
  message: string
  action?: SimulatorAction
  tokens?: { prompt: number; completion: number; total: number }
  costUsd?: number
  retries?: number
  error?: RecordError
  written?: boolean
}

/**
 * Appends the turn's `simulation` record to the conversation's test: spend, counted with the judge's calls. Without
 * a test to record on, the eval file still notes the turn's store key as used, for the obsolete entries of `-u`.
 */
function recordTurn(source: SimulatorSource, key: string, turn: number, spend: TurnSpend): void {
  if (!source.test) {
    // Whichever test is current, it is in this eval file: a worker runs one file at a time.
    const file = TestRunner.getCurrentTest<RunnerTestCase | undefined>()?.file
    if (file && source.storeFile) {
      file.meta.rubricStoreKeys ??= []
      file.meta.rubricStoreKeys.push(key)
    }
    return
  }
  const { model, message, action, written, error, ...rest } = spend
  appendRecords(source.test, [
    {
      ...rest,
      kind: 'simulation',
      assertion: 'runConversation',
      dimension: 'simulated user',
      score: null,
      floor: 0,
      pass: null,
      assertionPassed: null,
      reason: error
        ? `the simulated user's turn ${turn} failed: ${error.message}`
        : `the simulated user's turn ${turn}: ${action}`,
      judgeId: `simulator:${model}`,
      judgeName: model,
      model,
      latencyMs: Math.round(spend.latencyMs),
      output: message,
      turn,
      ...(action ? { action } : {}),
      ...(error ? { error } : {}),
      ...(source.storeFile ? { store: { file: source.storeFile, key, written: written === true } } : {}),
    },
  ])
}

const MAX_STORED_TEXT = 300

function storedTurn(
  user: SimulatedUser,
  reply: SimulatorReply,
  turn: number,
  messages: readonly TranscriptMessage[],
): StoredSimulatedTurn {
  const after = messages.findLast((message) => message.role === 'assistant' && message.content.trim() !== '')
  return {
    model: reply.model,
    action: reply.action,
    message: reply.message,
    turn,
    persona: shorten(user.persona, MAX_STORED_TEXT),
    goal: shorten(user.goal, MAX_STORED_TEXT),
    ...(after ? { after: shorten(after.content, MAX_STORED_TEXT) } : {}),
    ...(reply.tokens ? { tokens: reply.tokens } : {}),
    latencyMs: Math.round(reply.latencyMs),
    simulatedAt: new Date().toISOString(),
  }
}
