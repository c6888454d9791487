/**
 * A scripted tool-calling model for the smoke test, in three wire formats: OpenAI Chat Completions (a request with
 * `tools`), OpenAI Responses (`POST /v1/responses`) and Anthropic Messages (`POST /v1/messages`). The README's agent
 * examples call it through the real SDKs (`openai`, `ai` with `@ai-sdk/openai`, `@anthropic-ai/sdk`).
 *
 * Its script, the same in every format: until the conversation holds a tool result, it calls the first tool, each
 * required argument filled with the first order id (`A-4417`) of the last user text; then it answers with the
 * tool results' text. So an agent that runs the tool and sends its result back ends with an answer grounded in that
 * result, and one that does not never gets an answer.
 */

const USAGE = { input: 40, output: 12 }

/** Ids are unique across the server's life, as a real model's are. */
let sequence = 0
const nextId = (prefix) => `${prefix}_smoke_${++sequence}`

/**
 * The answer to an agent's request, or `undefined` when the request is not one (a judge's chat completion has no
 * `tools`).
 */
export function agentAnswer(method, url, body) {
  if (method !== 'POST') return undefined
  if (url === '/v1/chat/completions' && Array.isArray(body.tools)) return chatCompletion(body)
  if (url === '/v1/responses') return response(body)
  if (url === '/v1/messages') return anthropicMessage(body)
  return undefined
}

function chatCompletion(body) {
  const messages = body.messages ?? []
  const results = messages
    .filter((message) => message.role === 'tool')
    .map((message) => text(message.content))
  const userText = lastText(messages.filter((message) => message.role === 'user').map((m) => text(m.content)))
  const tool = body.tools[0]?.function
  const message =
    results.length > 0 || !tool
      ? { role: 'assistant', content: results.join(' '), refusal: null, annotations: [] }
      : {
          role: 'assistant',
          content: null,
          refusal: null,
          annotations: [],
          tool_calls: [
            {
              id: nextId('call'),
              type: 'function',
              function: {
                name: tool.name,
                arguments: JSON.stringify(toolArguments(tool.parameters, userText)),
              },
            },
          ],
        }
  return {
    id: nextId('chatcmpl'),
    object: 'chat.completion',
    created: 0,
    model: body.model ?? 'unknown',
    choices: [
      {
        index: 0,
        message,
        finish_reason: message.tool_calls ? 'tool_calls' : 'stop',
        logprobs: null,
      },
    ],
    usage: {
      prompt_tokens: USAGE.input,
      completion_tokens: USAGE.output,
      total_tokens: USAGE.input + USAGE.output,
    },
  }
}

function response(body) {
  const input = typeof body.input === 'string' ? [{ role: 'user', content: body.input }] : (body.input ?? [])
  const results = input
    .filter((item) => item.type === 'function_call_output')
    .map((item) => text(item.output))
  const userText = lastText(input.filter((item) => item.role === 'user').map((item) => text(item.content)))
  const tool = body.tools?.find((candidate) => candidate.type === 'function')
  const output =
    results.length > 0 || !tool
      ? [
          {
            type: 'message',
            id: nextId('msg'),
            status: 'completed',
            role: 'assistant',
            content: [{ type: 'output_text', text: results.join(' '), annotations: [], logprobs: [] }],
          },
        ]
      : [
          {
            type: 'function_call',
            id: nextId('fc'),
            call_id: nextId('call'),
            name: tool.name,
            arguments: JSON.stringify(toolArguments(tool.parameters, userText)),
            status: 'completed',
          },
        ]
  return {
    id: nextId('resp'),
    object: 'response',
    created_at: 0,
    status: 'completed',
    error: null,
    incomplete_details: null,
    instructions: body.instructions ?? null,
    model: body.model ?? 'unknown',
    output,
    parallel_tool_calls: true,
    temperature: 1,
    tool_choice: 'auto',
    tools: body.tools ?? [],
    top_p: 1,
    usage: {
      input_tokens: USAGE.input,
      input_tokens_details: { cached_tokens: 0 },
      output_tokens: USAGE.output,
      output_tokens_details: { reasoning_tokens: 0 },
      total_tokens: USAGE.input + USAGE.output,
    },
  }
}

function anthropicMessage(body) {
  const blocks = (body.messages ?? []).flatMap((message) =>
    typeof message.content === 'string'
      ? [{ role: message.role, type: 'text', text: message.content }]
      : message.content.map((block) => ({ role: message.role, ...block })),
  )
  const results = blocks.filter((block) => block.type === 'tool_result').map((block) => text(block.content))
  const userText = lastText(
    blocks.filter((block) => block.role === 'user' && block.type === 'text').map((block) => block.text),
  )
  const tool = body.tools?.[0]
  const content =
    results.length > 0 || !tool
      ? [{ type: 'text', text: results.join(' '), citations: null }]
      : [
          {
            type: 'tool_use',
            id: nextId('toolu'),
            name: tool.name,
            input: toolArguments(tool.input_schema, userText),
          },
        ]
  return {
    id: nextId('msg'),
    type: 'message',
    role: 'assistant',
    model: body.model ?? 'unknown',
    content,
    stop_reason: content[0].type === 'tool_use' ? 'tool_use' : 'end_turn',
    stop_sequence: null,
    usage: { input_tokens: USAGE.input, output_tokens: USAGE.output },
  }
}

/** Every required argument of a tool's JSON schema, filled with the first order id of the user's text. */
function toolArguments(schema, userText) {
  const value = /\b[A-Z]-\d+\b/.exec(userText)?.[0] ?? userText
  const names = schema?.required ?? Object.keys(schema?.properties ?? {}).slice(0, 1)
  return Object.fromEntries(names.map((name) => [name, value]))
}

/** The text of a message's content or a tool's output: a string, or the text of its text parts. */
function text(content) {
  if (typeof content === 'string') return content
  if (Array.isArray(content)) return content.map((part) => part?.text ?? '').join('')
  return content === undefined || content === null ? '' : JSON.stringify(content)
}

function lastText(texts) {
  return texts.at(-1) ?? ''
}
