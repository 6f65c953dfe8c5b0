// One coding agent's session as its installed hooks report it: payloads in the agent's own shape posted to
// /v1/hooks/<kind>, and the transcript the agent appends its model requests to (where the daemon reads usage and cost).
import { appendFile, mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { DaemonApi } from './daemonApi.js';

export type HookKind = 'claude-code' | 'codex' | 'gemini-cli';

/** A tool call as the agent names it; `subagent` marks a call a Claude Code subagent makes. */
export interface ToolCall {
  id: string;
  name: string;
  input: Record<string, unknown>;
  subagent?: Subagent;
}

export interface Subagent {
  id: string;
  type: string;
}

/** One model request's tokens; input includes the cached ones. */
export interface Tokens {
  input: number;
  cached: number;
  output: number;
}

export class HookSession {
  private requests = 0;

  constructor(
    private readonly api: DaemonApi,
    readonly kind: HookKind,
    readonly sessionId: string,
    readonly cwd: string,
    readonly transcript: string,
    readonly model: string,
  ) {}

  /** The transcript exists from the session's start, as the agent creates it. */
  async open(): Promise<void> {
    await mkdir(path.dirname(this.transcript), { recursive: true });
    await writeFile(this.transcript, '');
  }

  /**
   * Posts one payload with the fields every payload of this agent carries. `pid` names the agent's process (the
   * forwarder's X-Agent-Pid); `waitSeconds` holds the request open for a decision, as a permission hook installed with
   * approvals does, until `signal` gives up on it.
   */
  post(payload: Record<string, unknown>, options: { pid?: number; waitSeconds?: number; signal?: AbortSignal } = {}): Promise<unknown> {
    const headers: Record<string, string> = {};
    if (options.pid !== undefined) headers['x-agent-pid'] = String(options.pid);
    if (options.waitSeconds !== undefined) headers['x-agent-tracker-wait'] = String(options.waitSeconds);
    const body = { session_id: this.sessionId, cwd: this.cwd, transcript_path: this.transcript, ...payload };
    return this.api.request('POST', `/v1/hooks/${this.kind}`, body, { headers, ...(options.signal ? { signal: options.signal } : {}) });
  }

  /** One model request appended to the transcript, in the agent's own format. */
  async spend(tokens: Tokens): Promise<void> {
    const n = ++this.requests;
    const fresh = tokens.input - tokens.cached;
    const line =
      this.kind === 'claude-code'
        ? {
            type: 'assistant',
            requestId: `req_${this.sessionId}_${n}`,
            message: {
              id: `msg_${this.sessionId}_${n}`,
              model: this.model,
              usage: { input_tokens: fresh, cache_read_input_tokens: tokens.cached, cache_creation_input_tokens: 0, output_tokens: tokens.output },
            },
          }
        : this.kind === 'codex'
          ? {
              type: 'token_usage_record',
              payload: {
                response_id: `resp_${this.sessionId}_${n}`,
                model: this.model,
                usage: { input_tokens: tokens.input, cached_input_tokens: tokens.cached, output_tokens: tokens.output },
              },
            }
          : { type: 'gemini', id: `gem_${this.sessionId}_${n}`, model: this.model, tokens: { input: tokens.input, cached: tokens.cached, output: tokens.output, thoughts: 0 } };
    await appendFile(this.transcript, `${JSON.stringify(line)}\n`);
  }

  start(): Promise<unknown> {
    if (this.kind === 'gemini-cli') return this.post({ hook_event_name: 'SessionStart', source: 'startup' });
    return this.post({ hook_event_name: 'SessionStart', source: 'startup', model: this.model });
  }

  /** A prompt starts a turn; Gemini CLI names none (the turn is the session's newest). */
  prompt(turn: string, prompt: string): Promise<unknown> {
    if (this.kind === 'gemini-cli') return this.post({ hook_event_name: 'BeforeAgent', prompt });
    return this.post({ hook_event_name: 'UserPromptSubmit', ...this.turnField(turn), prompt, permission_mode: 'default' });
  }

  toolStart(turn: string, call: ToolCall): Promise<unknown> {
    if (this.kind === 'gemini-cli') return this.post({ hook_event_name: 'BeforeTool', tool_name: call.name, tool_input: call.input });
    return this.post({ hook_event_name: 'PreToolUse', ...this.turnField(turn), ...subagentFields(call.subagent), tool_name: call.name, tool_input: call.input, tool_use_id: call.id });
  }

  toolEnd(turn: string, call: ToolCall, outcome: { ms: number; error?: string; response?: unknown }): Promise<unknown> {
    if (this.kind === 'gemini-cli') {
      const response = outcome.error === undefined ? { llmContent: 'ok' } : { error: outcome.error };
      return this.post({ hook_event_name: 'AfterTool', tool_name: call.name, tool_input: call.input, tool_response: response });
    }
    const event = outcome.error === undefined ? 'PostToolUse' : 'PostToolUseFailure';
    return this.post({
      hook_event_name: event,
      ...this.turnField(turn),
      ...subagentFields(call.subagent),
      tool_name: call.name,
      tool_input: call.input,
      tool_use_id: call.id,
      duration_ms: outcome.ms,
      ...(outcome.error === undefined ? { tool_response: outcome.response ?? 'ok' } : { error: outcome.error }),
    });
  }

  /** A whole tool call, with the model request that asked for it. */
  async tool(turn: string, call: ToolCall, tokens: Tokens, outcome?: { ms: number; error?: string; response?: unknown }): Promise<void> {
    await this.spend(tokens);
    await this.toolStart(turn, call);
    // A quick call unless told otherwise: 0.2 to 1.9 s, varied so that the log reads like a real one.
    await this.toolEnd(turn, call, outcome ?? { ms: 200 + ((this.requests * 389) % 1700) });
  }

  async done(turn: string, answer: string, tokens: Tokens): Promise<void> {
    await this.spend(tokens);
    if (this.kind === 'gemini-cli') await this.post({ hook_event_name: 'AfterAgent', prompt_response: answer });
    else await this.post({ hook_event_name: 'Stop', ...this.turnField(turn), last_assistant_message: answer });
  }

  /** Claude Code: the turn ended on an API error. */
  failed(turn: string, error: string): Promise<unknown> {
    return this.post({ hook_event_name: 'StopFailure', ...this.turnField(turn), error });
  }

  /** Claude Code: a subagent started by the turn's Agent tool call. */
  subagentStart(turn: string, subagent: Subagent): Promise<unknown> {
    return this.post({ hook_event_name: 'SubagentStart', ...this.turnField(turn), ...subagentFields(subagent) });
  }

  async subagentStop(turn: string, subagent: Subagent, answer: string, tokens: Tokens): Promise<void> {
    await this.spend(tokens);
    await this.post({ hook_event_name: 'SubagentStop', ...this.turnField(turn), ...subagentFields(subagent), last_assistant_message: answer });
  }

  /** Claude Code's permission hook, installed with approvals: held open until decided or `signal` gives up. */
  ask(turn: string, call: ToolCall, options: { pid: number; waitSeconds: number; signal: AbortSignal }): Promise<unknown> {
    return this.post({ hook_event_name: 'PermissionRequest', ...this.turnField(turn), tool_name: call.name, tool_input: call.input }, options);
  }

  end(): Promise<unknown> {
    return this.post({ hook_event_name: 'SessionEnd', reason: 'prompt_input_exit' });
  }

  private turnField(turn: string): Record<string, string> {
    return this.kind === 'codex' ? { turn_id: turn } : { prompt_id: turn };
  }
}

function subagentFields(subagent: Subagent | undefined): Record<string, string> {
  return subagent ? { agent_id: subagent.id, agent_type: subagent.type } : {};
}
