/**
 * Internal to the reporter: a judged conversation as the HTML report (a chat) and the Markdown summary (quoted
 * turns) show it. Pure. Every text in a transcript came from the system under test or its tools: all of it is
 * escaped.
 */
import type { ReportedTranscript } from '../record/schema.ts'
import type { ToolCall, TranscriptMessage } from '../transcript/schema.ts'
import { escapeHtml as esc } from './escape-html.ts'
import type { HeldRecord } from './record-spool.ts'
import { shorten } from './worst.ts'

/**
 * The transcript of each judged conversation in `judgments`, found for any of its records: a judge call's
 * transcript is kept on its first record only, and the call's other dimensions share its call id.
 */
export function transcriptFinder(
  judgments: readonly HeldRecord[],
): (judgment: HeldRecord) => ReportedTranscript | undefined {
  const byCall = new Map<string, ReportedTranscript>()
  const callKey = (judgment: HeldRecord) =>
    JSON.stringify([judgment.project, judgment.file, judgment.test, judgment.callId])
  for (const judgment of judgments) {
    if (judgment.kind === 'judgment' && judgment.transcript)
      byCall.set(callKey(judgment), judgment.transcript)
  }
  return (judgment) =>
    judgment.kind !== 'judgment'
      ? undefined
      : (judgment.transcript ?? (byCall.size === 0 ? undefined : byCall.get(callKey(judgment))))
}

/**
 * The conversation as a chat: one entry per message with its role and number, the assistant's tool calls with
 * their arguments, each tool result linked to the call it answers. `idPrefix` keeps the links of this chat apart
 * from another chat's on the page; `judged` marks the message of a judged turn.
 */
export function chatHtml(transcript: ReportedTranscript, idPrefix: string, judged?: number): string {
  const callId = (id: string) => esc(`${idPrefix}-${id}`)
  const items = numbered(transcript).map(({ message, index, omittedBefore }) => {
    const gap = omittedBefore
      ? `<li class="omitted">${omittedBefore} ${omittedBefore === 1 ? 'message' : 'messages'} left out</li>`
      : ''
    const classes = `msg ${message.role}${index === judged ? ' judged' : ''}`
    const head = `<span class="role">${message.role}</span> <span class="n">#${index}</span>`
    let body: string
    if (message.role === 'tool') {
      body =
        ` <a class="answers" href="#${callId(message.toolCallId)}">${esc(message.name)} · ${esc(message.toolCallId)}</a>` +
        `${message.isError ? ' <span class="tool-error">error</span>' : ''}<pre>${esc(message.content)}</pre>`
    } else {
      const text = message.content === '' ? '' : `<pre>${esc(message.content)}</pre>`
      const calls =
        message.role === 'assistant' && message.toolCalls?.length
          ? `<ul class="calls">${message.toolCalls
              .map(
                (call) =>
                  `<li class="call" id="${callId(call.id)}"><code>${esc(call.name)}</code> ` +
                  `<span class="call-id">${esc(call.id)}</span><pre>${esc(argumentsText(call, 2))}</pre></li>`,
              )
              .join('')}</ul>`
          : ''
      body = text + calls
    }
    return `${gap}<li class="${classes}">${head}${body}</li>`
  })
  return `<ol class="chat">${items.join('')}</ol>`
}

/**
 * The conversation as compact quoted turns for Markdown: `> **user:** ...`, each tool call on a line of its own
 * (`> → \`lookupOrder({"orderId":"A-4417"})\` call_1`), each tool result with the call it answers. The last
 * `maxMessages` messages, each text cut to `maxText` characters.
 */
export function chatMarkdown(
  transcript: ReportedTranscript,
  { text: plain, code }: MarkdownEscapes,
  options: { maxText: number; maxMessages: number; judged?: number | undefined },
): string {
  const shown = numbered(transcript).slice(-options.maxMessages)
  // Every message before the first one shown, however it came to be left out.
  const earlier = shown[0]?.index ?? 0
  const lines = earlier > 0 ? [`> *… ${earlier} earlier ${earlier === 1 ? 'message' : 'messages'}*`] : []
  for (const [at, { message, index, omittedBefore }] of shown.entries()) {
    if (omittedBefore && at > 0) lines.push(`> *… ${omittedBefore} left out*`)
    const mark = index === options.judged ? ' ◀ judged' : ''
    if (message.role === 'tool') {
      lines.push(
        `> **tool** \`${code(message.name)}\` (${plain(message.toolCallId)})${message.isError ? ' error' : ''}: ` +
          `${plain(message.content, options.maxText)}`,
      )
      continue
    }
    if (message.content !== '' || !(message.role === 'assistant' && message.toolCalls?.length)) {
      lines.push(`> **${message.role}:** ${plain(message.content, options.maxText)}${mark}`)
    }
    if (message.role === 'assistant') {
      for (const call of message.toolCalls ?? []) {
        lines.push(
          `> → \`${code(shorten(`${call.name}(${argumentsText(call)})`, options.maxText))}\` ${plain(call.id)}`,
        )
      }
    }
  }
  return lines.join('\n')
}

/** How Markdown text is made safe: in running text (cut to `max`), and inside a code span. */
export interface MarkdownEscapes {
  text: (text: string, max?: number) => string
  code: (text: string) => string
}

/** The messages with their index in the conversation, and how many were left out just before each. */
function numbered(
  transcript: ReportedTranscript,
): { message: TranscriptMessage; index: number; omittedBefore: number }[] {
  const { start, omitted } = transcript
  return transcript.messages.map((message, at) => {
    const skipped = omitted && at >= omitted.after ? omitted.count : 0
    return {
      message,
      index: start + at + skipped,
      omittedBefore: omitted && at === omitted.after ? omitted.count : 0,
    }
  })
}

/** A tool call's arguments as JSON. */
function argumentsText(call: ToolCall, indent?: number): string {
  return JSON.stringify(call.arguments, null, indent)
}
