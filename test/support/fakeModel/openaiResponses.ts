/**
 * The OpenAI Responses API as Codex calls it through a custom provider (`POST <base_url>/responses`, streamed as
 * server-sent events), answering from a TurnScript: a function call of `exec_command`, then an assistant message once
 * the call's output is in the input.
 */
import type { ServerResponse } from 'node:http';
import { writeJson, writeSse, type ModelHandler, type SseEvent } from './fakeModelServer.js';
import { FAKE_USAGE, type TurnScript } from './turnScript.js';

interface InputItem {
  type?: string;
  role?: string;
}
interface ResponsesBody {
  model?: string;
  input?: InputItem[];
}

export function openaiResponses(script: TurnScript): ModelHandler {
  let replies = 0;
  return (request, response) => {
    if (request.method === 'GET' && request.url.startsWith('/v1/models')) {
      writeJson(response, { object: 'list', data: [], models: [] });
      return true;
    }
    if (request.method !== 'POST' || !request.url.startsWith('/v1/responses')) return false;
    const body = (request.body ?? {}) as ResponsesBody;
    replies += 1;
    const input = body.input ?? [];
    const lastUser = input.findLastIndex((item) => item.role === 'user');
    const toolDone = input.slice(lastUser + 1).some((item) => item.type === 'function_call_output');
    send(response, body, replies, toolDone ? { text: script.finalText } : { command: script.command, ...(script.escalation ? { escalation: script.escalation } : {}) });
    return true;
  };
}

function send(response: ServerResponse, body: ResponsesBody, n: number, reply: { text: string } | { command: string; escalation?: string }): void {
  const id = `resp_fake_${n}`;
  const item =
    'command' in reply
      ? { type: 'function_call', id: `fc_fake_${n}`, call_id: `call_fake_${n}`, name: 'exec_command', arguments: JSON.stringify(execArguments(reply)), status: 'completed' }
      : { type: 'message', id: `msg_fake_${n}`, role: 'assistant', status: 'completed', content: [{ type: 'output_text', text: reply.text, annotations: [] }] };
  const usage = {
    input_tokens: FAKE_USAGE.inputTokens + FAKE_USAGE.cacheReadTokens,
    input_tokens_details: { cached_tokens: FAKE_USAGE.cacheReadTokens },
    output_tokens: FAKE_USAGE.outputTokens,
    output_tokens_details: { reasoning_tokens: 0 },
    total_tokens: FAKE_USAGE.inputTokens + FAKE_USAGE.cacheReadTokens + FAKE_USAGE.outputTokens,
  };
  const model = body.model ?? 'gpt-5-codex';
  const events: SseEvent[] = [
    { event: 'response.created', data: { type: 'response.created', response: { id, object: 'response', status: 'in_progress', model, output: [] } } },
    { event: 'response.output_item.added', data: { type: 'response.output_item.added', output_index: 0, item: { ...item, status: 'in_progress' } } },
  ];
  if ('text' in reply) {
    events.push({ event: 'response.output_text.delta', data: { type: 'response.output_text.delta', item_id: item.id, output_index: 0, content_index: 0, delta: reply.text } });
  }
  events.push(
    { event: 'response.output_item.done', data: { type: 'response.output_item.done', output_index: 0, item } },
    { event: 'response.completed', data: { type: 'response.completed', response: { id, object: 'response', status: 'completed', model, output: [item], usage } } },
  );
  writeSse(response, events);
}

function execArguments(reply: { command: string; escalation?: string }): Record<string, string> {
  return reply.escalation ? { cmd: reply.command, sandbox_permissions: 'require_escalated', justification: reply.escalation } : { cmd: reply.command };
}
