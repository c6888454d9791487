import { transcriptExcerpt } from '../../src/record/transcript-excerpt.ts'
import type { Transcript } from '../../src/transcript/schema.ts'
import { IMG_PAYLOAD, located, reportOf, SCRIPT_PAYLOAD } from './reports.ts'

/** A support conversation whose tool result and tool arguments carry markup a page must not run. */
export const hostileConversation: Transcript = {
  messages: [
    { role: 'system', content: 'You are the support agent of Acme.' },
    { role: 'user', content: 'My order A-4417 arrived broken.' },
    {
      role: 'assistant',
      content: 'Let me look that order up.',
      toolCalls: [{ id: 'call_1', name: 'lookupOrder', arguments: { orderId: `A-4417 ${IMG_PAYLOAD}` } }],
    },
    {
      role: 'tool',
      toolCallId: 'call_1',
      name: 'lookupOrder',
      content: `{"status":"delivered"} ${SCRIPT_PAYLOAD} | @octocat **bold** </details>`,
    },
    { role: 'assistant', content: 'Your order was delivered; no refund is possible.' },
  ],
}

/** The report of a conversation judged on two dimensions in one call: the transcript on the first record. */
export function conversationReport() {
  const transcript = transcriptExcerpt(hostileConversation.messages)
  return reportOf([
    located({
      test: 'agent > refunds',
      callId: 'call-a',
      dimension: 'goalCompletion',
      score: 0.25,
      pass: false,
      output: 'the transcript as JSON lines',
      transcript,
    }),
    located({
      test: 'agent > refunds',
      callId: 'call-a',
      dimension: 'toolUse',
      score: 0.25,
      pass: false,
      output: 'the transcript as JSON lines',
    }),
  ])
}
