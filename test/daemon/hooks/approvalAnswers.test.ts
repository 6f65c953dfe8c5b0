/**
 * Deciding from a hook, per agent, as a table: the recorded payload of each agent's synchronous permission hook, the
 * approval its adapter asks for when the hook waits, and what the hook prints for each outcome (allowed, denied with a
 * reason, expired) in that agent's own format. Without the wait the same payloads only observe.
 */
import { strict as assert } from 'node:assert';
import type { Activity, HookAdapter, HookContext, SessionView } from '../../../daemon/src/protocol/index.js';
import { HOOK_ADAPTERS } from '../../../daemon/src/integrations/hooks/index.js';
import { buildTask, type Approval } from '../../../daemon/src/protocol/index.js';

const AT = '2026-11-27T10:00:00.000Z';

function adapter(kind: string): HookAdapter {
  const found = HOOK_ADAPTERS.find((a) => a.kind === kind);
  assert.ok(found, kind);
  return found;
}

function context(source: string, agentId: string, payload: Record<string, unknown>, waits: boolean, turn?: string): HookContext {
  const tasks = turn ? [buildTask({ title: 'turn', state: 'active', agentId }, turn, AT)] : [];
  const view: SessionView = {
    agentId,
    agent: undefined,
    openTasks: tasks,
    hasTask: (id) => tasks.some((t) => t.id === id),
    task: (id) => tasks.find((t) => t.id === id),
    toolStartedAt: () => undefined,
  };
  return { delivery: { source, payload, at: AT, waitsForDecision: waits }, host: 'here', session: () => view };
}

function approvalOf(steps: Activity[]): Extract<Activity, { type: 'approval.asked' }> | undefined {
  return steps.find((s): s is Extract<Activity, { type: 'approval.asked' }> => s.type === 'approval.asked');
}

function decided(state: Approval['state'], extra: Partial<Approval> = {}): Approval {
  return {
    id: 'apr_1', kind: 'permission', agentId: 'a', taskId: null, tool: 'Bash', summary: 'Bash(ls)', input: {},
    requestedAt: AT, expiresAt: AT, state, ...extra,
  };
}

interface Case {
  name: string;
  kind: string;
  agentId: string;
  turn?: string;
  payload: Record<string, unknown>;
  ask: { kind: 'permission' | 'question'; tool: string; summary: string };
  allowed: Record<string, unknown>;
  /** The output of a denial with the reason "not now". */
  denied: Record<string, unknown>;
}

const CASES: Case[] = [
  {
    name: 'Claude Code PermissionRequest',
    kind: 'claude-code',
    agentId: 'claude-code:s1',
    turn: 'claude-code:s1:p1',
    payload: { session_id: 's1', prompt_id: 'p1', hook_event_name: 'PermissionRequest', tool_name: 'Bash', tool_input: { command: 'rm -rf build' } },
    ask: { kind: 'permission', tool: 'Bash', summary: 'Bash(rm -rf build)' },
    allowed: { hookSpecificOutput: { hookEventName: 'PermissionRequest', decision: { behavior: 'allow' } } },
    denied: { hookSpecificOutput: { hookEventName: 'PermissionRequest', decision: { behavior: 'deny', message: 'not now' } } },
  },
  {
    name: 'Codex PermissionRequest',
    kind: 'codex',
    agentId: 'codex:th1',
    turn: 'codex:th1:t1',
    payload: { session_id: 'th1', turn_id: 't1', hook_event_name: 'PermissionRequest', tool_name: 'Bash', tool_input: { command: 'cargo publish' } },
    ask: { kind: 'permission', tool: 'Bash', summary: 'Bash(cargo publish)' },
    allowed: { hookSpecificOutput: { hookEventName: 'PermissionRequest', decision: { behavior: 'allow' } } },
    denied: { hookSpecificOutput: { hookEventName: 'PermissionRequest', decision: { behavior: 'deny', message: 'not now' } } },
  },
  {
    name: 'Cursor beforeShellExecution',
    kind: 'cursor',
    agentId: 'cursor:c1',
    turn: 'cursor:c1:g1',
    payload: { conversation_id: 'c1', generation_id: 'g1', hook_event_name: 'beforeShellExecution', command: 'npm publish', cwd: '/w/app', workspace_roots: ['/w/app'] },
    ask: { kind: 'permission', tool: 'Shell', summary: 'Shell(npm publish)' },
    allowed: { permission: 'allow' },
    denied: { permission: 'deny', user_message: 'Denied in Agent Tracker: not now', agent_message: 'not now', userMessage: 'Denied in Agent Tracker: not now', agentMessage: 'not now' },
  },
  {
    name: 'Cursor beforeMCPExecution',
    kind: 'cursor',
    agentId: 'cursor:c1',
    turn: 'cursor:c1:g1',
    payload: { conversation_id: 'c1', generation_id: 'g1', hook_event_name: 'beforeMCPExecution', tool_name: 'drop_table', tool_input: '{"table":"users"}' },
    ask: { kind: 'permission', tool: 'MCP drop_table', summary: 'MCP drop_table' },
    allowed: { permission: 'allow' },
    denied: { permission: 'deny', user_message: 'Denied in Agent Tracker: not now', agent_message: 'not now', userMessage: 'Denied in Agent Tracker: not now', agentMessage: 'not now' },
  },
  {
    name: 'Copilot CLI preToolUse',
    kind: 'copilot-cli',
    agentId: 'copilot-cli:cp1',
    payload: { sessionId: 'cp1', timestamp: 1764237600000, cwd: '/w/app', toolName: 'bash', toolArgs: '{"command":"rm -rf dist"}' },
    ask: { kind: 'permission', tool: 'bash', summary: 'bash(rm -rf dist)' },
    allowed: { permissionDecision: 'allow' },
    denied: { permissionDecision: 'deny', permissionDecisionReason: 'not now' },
  },
];

describe('hook adapters: deciding from a hook, per agent', () => {
  for (const c of CASES) {
    it(`${c.name}: an approval when the hook waits; allow, deny with the reason, nothing once expired`, () => {
      const a = adapter(c.kind);
      const step = approvalOf(a.map(context(c.kind, c.agentId, c.payload, true, c.turn)));
      assert.ok(step, 'an approval step');
      assert.deepEqual({ kind: step.ask.kind, tool: step.ask.tool, summary: step.ask.summary }, c.ask);
      assert.equal(step.agentId, c.agentId);
      if (c.turn) assert.equal(step.taskId, c.turn);
      assert.ok(a.answer !== undefined, 'the adapter answers decisions');
      assert.deepEqual(a.answer(decided('allowed'), c.payload), c.allowed);
      assert.deepEqual(a.answer(decided('denied', { reason: 'not now' }), c.payload), c.denied);
      assert.equal(a.answer(decided('expired'), c.payload), undefined);
      assert.equal(a.answer(decided('pending'), c.payload), undefined);
      // Without the wait, the same payload only observes.
      assert.equal(approvalOf(a.map(context(c.kind, c.agentId, c.payload, false, c.turn))), undefined);
    });
  }

  it('a denial without a reason tells the model plainly that the user denied it', () => {
    const output = adapter('claude-code').answer?.(decided('denied'), CASES[0]?.payload ?? {});
    assert.deepEqual(output, {
      hookSpecificOutput: { hookEventName: 'PermissionRequest', decision: { behavior: 'deny', message: 'The user denied this request from Agent Tracker.' } },
    });
  });

  it('Claude Code AskUserQuestion: PreToolUse answers with updatedInput and allow; PermissionRequest with the decision', () => {
    const questions = [{ question: 'Which database?', options: [{ label: 'PostgreSQL' }, { label: 'SQLite' }] }];
    const pre = { session_id: 's1', prompt_id: 'p1', hook_event_name: 'PreToolUse', tool_name: 'AskUserQuestion', tool_input: { questions } };
    const a = adapter('claude-code');
    const step = approvalOf(a.map(context('claude-code', 'claude-code:s1', pre, true, 'claude-code:s1:p1')));
    assert.deepEqual(step?.ask, { kind: 'question', tool: 'AskUserQuestion', summary: 'Which database?', input: { questions }, questions });
    const answered = decided('allowed', { kind: 'question', answers: { 'Which database?': 'SQLite' } });
    assert.deepEqual(a.answer?.(answered, pre), {
      hookSpecificOutput: { hookEventName: 'PreToolUse', permissionDecision: 'allow', updatedInput: { questions, answers: { 'Which database?': 'SQLite' } } },
    });
    assert.deepEqual(a.answer?.(decided('denied', { kind: 'question', reason: 'ask me later' }), pre), {
      hookSpecificOutput: { hookEventName: 'PreToolUse', permissionDecision: 'deny', permissionDecisionReason: 'ask me later' },
    });
    const viaPermission = { ...pre, hook_event_name: 'PermissionRequest' };
    assert.deepEqual(a.answer?.(answered, viaPermission), {
      hookSpecificOutput: { hookEventName: 'PermissionRequest', decision: { behavior: 'allow', updatedInput: { questions, answers: { 'Which database?': 'SQLite' } } } },
    });
  });

  it('bounds what an approval keeps of a huge tool input, and of a long tool name', () => {
    const payload = { session_id: 's1', prompt_id: 'p1', hook_event_name: 'PermissionRequest', tool_name: 'W'.repeat(500), tool_input: { file_path: '/w/a', content: 'x'.repeat(1_000_000) } };
    const step = approvalOf(adapter('claude-code').map(context('claude-code', 'claude-code:s1', payload, true, 'claude-code:s1:p1')));
    assert.ok(step);
    assert.equal(step.ask.tool.length <= 200, true);
    assert.equal(step.ask.input.truncated, true);
    assert.ok(JSON.stringify(step.ask.input).length < 20_000);
  });

  it('Gemini CLI and Cline have no hook that decides: their payloads never ask for an approval', () => {
    for (const [kind, payload] of [
      ['gemini-cli', { session_id: 'g', hook_event_name: 'BeforeTool', tool_name: 'run_shell_command', tool_input: { command: 'ls' } }],
      ['gemini-cli', { session_id: 'g', hook_event_name: 'Notification', notification_type: 'ToolPermission', message: 'allow?' }],
    ] as const) {
      assert.equal(approvalOf(adapter(kind).map(context(kind, `${kind}:g`, payload, true, `${kind}:g:t`))), undefined, kind);
      assert.ok(adapter(kind).answer === undefined, kind);
    }
    assert.ok(adapter('cline').answer === undefined);
  });
});
