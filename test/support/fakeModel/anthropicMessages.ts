/**
 * The Anthropic Messages API as Claude Code calls it (`POST /v1/messages?beta=true`, streamed as server-sent events),
 * answering from a TurnScript: a tool_use of Bash (or Agent, for a subagent), then text with end_turn once the tool's
 * result is in the conversation. Every answer carries a `request-id` header, as the Anthropic API's do (Claude Code
 * writes it into its transcript and its telemetry), unless `requestIds` is false (a gateway that drops it).
 */
import type { ServerResponse } from 'node:http';
import { writeJson, writeSse, type ModelHandler, type SseEvent } from './fakeModelServer.js';
import { FAKE_USAGE, type SubagentScript, type TurnScript } from './turnScript.js';

interface ContentBlock {
  type: string;
  text?: string;
}
interface Message {
  role: string;
  content: string | ContentBlock[];
}
interface MessagesBody {
  model?: string;
  messages?: Message[];
  tools?: Array<{ name?: string }>;
  stream?: boolean;
}

type Reply = { kind: 'tool'; name: string; input: Record<string, unknown> } | { kind: 'text'; text: string };

export function anthropicMessages(script: TurnScript, options: { requestIds?: boolean } = {}): ModelHandler {
  let replies = 0;
  let requests = 0;
  return (request, response) => {
    requests += 1;
    if (options.requestIds !== false) response.setHeader('request-id', `req_fake_${String(requests).padStart(4, '0')}`);
    if (request.method !== 'POST' || !request.url.startsWith('/v1/messages')) return false;
    if (request.url.startsWith('/v1/messages/count_tokens')) {
      writeJson(response, { input_tokens: FAKE_USAGE.inputTokens });
      return true;
    }
    const body = (request.body ?? {}) as MessagesBody;
    replies += 1;
    const id = `msg_fake_${String(replies).padStart(4, '0')}`;
    const reply = decide(script, body);
    if (script.replyDelayMs === undefined) send(response, body, id, reply);
    else setTimeout(() => send(response, body, id, reply), script.replyDelayMs);
    return true;
  };
}

function decide(script: TurnScript, body: MessagesBody): Reply {
  const messages = body.messages ?? [];
  const toolNames = new Set((body.tools ?? []).map((tool) => tool.name));
  // One prompt per conversation: the tool results in it say how far the conversation got (the agent may add a
  // reminder message after a result, so the last message is not always the one that carries it).
  const toolResults = messages.filter((message) => Array.isArray(message.content) && message.content.some((block) => block.type === 'tool_result')).length;
  const level = subagentLevel(script, textOf(messages[0]));
  // Side requests (a title, a summary) come without the Bash tool: answer them in plain text.
  if (toolResults === 0 && !toolNames.has('Bash')) return { kind: 'text', text: script.finalText };
  if (level !== undefined) {
    // A subagent: its command, then the subagent it starts (if any), then its answer.
    if (toolResults === 0) return { kind: 'tool', name: 'Bash', input: { command: level.command, description: 'Run the command' } };
    if (toolResults === 1 && level.subagent && toolNames.has('Agent')) return agentCall(level.subagent);
    return { kind: 'text', text: level.finalText };
  }
  if (toolResults > 0) return { kind: 'text', text: script.finalText };
  if (script.subagent && toolNames.has('Agent')) return agentCall(script.subagent);
  return { kind: 'tool', name: 'Bash', input: { command: script.command, description: 'Run the command' } };
}

/** The subagent whose conversation this is (the deepest whose prompt opens it), or undefined for the main agent. */
function subagentLevel(script: TurnScript, opening: string): SubagentScript | undefined {
  let found: SubagentScript | undefined;
  for (let level = script.subagent; level; level = level.subagent) {
    if (opening.includes(level.prompt)) found = level;
  }
  return found;
}

function agentCall({ description, prompt, background }: SubagentScript): Reply {
  return { kind: 'tool', name: 'Agent', input: { description, prompt, subagent_type: 'general-purpose', run_in_background: background === true } };
}

function textOf(message: Message | undefined): string {
  if (message === undefined) return '';
  if (typeof message.content === 'string') return message.content;
  return message.content.map((block) => block.text ?? '').join('\n');
}

function send(response: ServerResponse, body: MessagesBody, id: string, reply: Reply): void {
  const usage = {
    input_tokens: FAKE_USAGE.inputTokens,
    cache_creation_input_tokens: FAKE_USAGE.cacheWriteTokens,
    cache_read_input_tokens: FAKE_USAGE.cacheReadTokens,
  };
  const block =
    reply.kind === 'tool'
      ? { type: 'tool_use', id: `toolu_${id}`, name: reply.name, input: reply.input }
      : { type: 'text', text: reply.text };
  const stopReason = reply.kind === 'tool' ? 'tool_use' : 'end_turn';
  const model = body.model ?? 'claude-sonnet-4-5';
  if (body.stream !== true) {
    writeJson(response, {
      id, type: 'message', role: 'assistant', model, content: [block], stop_reason: stopReason, stop_sequence: null,
      usage: { ...usage, output_tokens: FAKE_USAGE.outputTokens },
    });
    return;
  }
  const events: SseEvent[] = [
    {
      event: 'message_start',
      data: {
        type: 'message_start',
        message: { id, type: 'message', role: 'assistant', model, content: [], stop_reason: null, stop_sequence: null, usage: { ...usage, output_tokens: 1 } },
      },
    },
    {
      event: 'content_block_start',
      data: { type: 'content_block_start', index: 0, content_block: reply.kind === 'tool' ? { ...block, input: {} } : { type: 'text', text: '' } },
    },
    {
      event: 'content_block_delta',
      data: {
        type: 'content_block_delta',
        index: 0,
        delta: reply.kind === 'tool' ? { type: 'input_json_delta', partial_json: JSON.stringify(reply.input) } : { type: 'text_delta', text: reply.text },
      },
    },
    { event: 'content_block_stop', data: { type: 'content_block_stop', index: 0 } },
    {
      event: 'message_delta',
      data: { type: 'message_delta', delta: { stop_reason: stopReason, stop_sequence: null }, usage: { output_tokens: FAKE_USAGE.outputTokens } },
    },
    { event: 'message_stop', data: { type: 'message_stop' } },
  ];
  writeSse(response, events);
}
