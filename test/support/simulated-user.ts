import { type RecordedRequest, reply, type ScriptedReply } from './judge-server.ts'

/** Whether a chat completions request asks for a simulated user's turn (not a verdict). */
export function isSimulatorCall(request: RecordedRequest): boolean {
  return request.body.messages?.[0]?.content.startsWith('You play a user') ?? false
}

/** The messages of the conversation a simulated user's request shows, as `role: content` lines; [] at the opening. */
export function shownConversation(request: RecordedRequest): string[] {
  const prompt = request.body.messages?.find((message) => message.role === 'user')?.content ?? ''
  const framed = /<input_[0-9a-f]+>([\s\S]*?)<\/input_[0-9a-f]+>/.exec(prompt)?.[1]?.trim()
  if (!framed) return []
  return framed.split('\n').map((line) => {
    const { role, content } = JSON.parse(line) as { role: string; content: string }
    return `${role}: ${content}`
  })
}

/** A simulated user's turn as the model answers it. */
export const userTurn = {
  say: (message: string): ScriptedReply => reply.text(JSON.stringify({ action: 'continue', message })),
  done: (): ScriptedReply => reply.text(JSON.stringify({ action: 'done', message: '' })),
  giveUp: (): ScriptedReply => reply.text(JSON.stringify({ action: 'give-up', message: '' })),
}
