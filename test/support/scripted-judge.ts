import { gate, type JudgeServer, perCall, type RecordedRequest, reply } from './judge-server.ts'

/** The judged output of a chat request, read back from its frame in the prompt. */
export function judgedOutput(request: RecordedRequest): string {
  const prompt = request.body.messages?.find((message) => message.role === 'user')?.content ?? ''
  return /<output_[0-9a-f]+>([\s\S]*?)<\/output_[0-9a-f]+>/.exec(prompt)?.[1]?.trim() ?? ''
}

/**
 * Scripts the judge server the way the end-to-end fixtures expect: an output containing `quality:N` scores N on
 * every requested dimension; `server-error` gets a 500; `hold` is answered only when `release()` is called;
 * `row:` outputs are answered only once eight of them are in flight together.
 */
export function scriptQualityJudge(server: JudgeServer) {
  const held = gate()
  const rows = gate()
  let rowsSeen = 0
  server.respond((request) => {
    const output = judgedOutput(request)
    if (output.includes('server-error'))
      return reply.status(500, {}, { error: { message: 'judge exploded' } })
    const quality = Number(/quality:(\d)/.exec(output)?.[1] ?? 3)
    const verdict = reply.everyDimension(request, quality, (name) => `${name} looks like ${quality}`)
    if (output.includes('row:') && ++rowsSeen === 8) rows.open()
    if (output.includes('row:')) return reply.held(rows.promise, verdict)
    return output.includes('hold') ? reply.held(held.promise, verdict) : verdict
  })
  return { release: held.open }
}

/**
 * Scripts the judge server for trials: an output containing `trials:a,b,c` scores a on every requested
 * dimension at its first call, b at its second, and so on, cycling; other outputs score 3.
 */
export function scriptTrialJudge(server: JudgeServer) {
  server.respond(
    perCall(judgedOutput, (request, call) => {
      const listed = /trials:([\d,]+)/.exec(judgedOutput(request))?.[1]?.split(',').map(Number) ?? [3]
      const quality = listed[call % listed.length]!
      return reply.everyDimension(
        request,
        quality,
        (name) => `call ${call + 1}: ${name} looks like ${quality}`,
      )
    }),
  )
}
