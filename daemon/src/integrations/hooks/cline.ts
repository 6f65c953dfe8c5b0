/**
 * Cline (one hook executable per event in `~/Documents/Cline/Hooks/`). Every payload has `hookName`, `taskId` (a Cline
 * task is a conversation: the session here), `timestamp` and `workspaceRoots`; the event's own fields sit under a key
 * named for it (`preToolUse: { toolName, parameters }`, `postToolUse: { ..., success, executionTimeMs }`,
 * `userPromptSubmit: { prompt }`, `taskStart: { taskMetadata: { initialTask } }`).
 */
import type { HookAdapter, HookContext, Activity } from '../../protocol/index.js';
import { UnreadablePayload } from '../../protocol/index.js';
import { SessionTurns, number, text } from './turns.js';

export const clineAdapter: HookAdapter = {
  kind: 'cline',
  displayName: 'Cline',
  map(ctx: HookContext): Activity[] {
    const p = ctx.delivery.payload;
    const hook = text(p, 'hookName') ?? text(p, 'hook_event_name');
    const sessionId = text(p, 'taskId') ?? text(p, 'task_id');
    if (!hook || !sessionId) throw new UnreadablePayload('no hookName or taskId');
    const roots = Array.isArray(p.workspaceRoots) ? p.workspaceRoots.filter((r): r is string => typeof r === 'string') : [];
    const turns = new SessionTurns(ctx, { kind: 'cline', displayName: 'Cline', sessionId, cwd: roots[0], model: text(p, 'model') });
    const name = hook.charAt(0).toLowerCase() + hook.slice(1);
    const own = (typeof p[name] === 'object' && p[name] !== null ? p[name] : p) as Record<string, unknown>;
    const turn = turns.currentTurn();
    const session = turns.session();
    const on = (build: (taskId: string) => Activity[]): Activity[] => (turn ? [session, ...build(turn)] : [session]);
    const at = number(p, 'timestamp') ?? Date.parse(ctx.delivery.at);
    const toolName = text(own, 'toolName') ?? text(own, 'tool') ?? 'tool';
    switch (name) {
      case 'taskStart': {
        const meta = (typeof own.taskMetadata === 'object' && own.taskMetadata !== null ? own.taskMetadata : own) as Record<string, unknown>;
        const prompt = text(meta, 'initialTask') ?? text(own, 'prompt');
        return prompt ? turns.prompt(turns.turnId(`t${at}`), prompt) : [session];
      }
      case 'userPromptSubmit':
        return turns.prompt(turns.turnId(`t${at}`), text(own, 'prompt') ?? '');
      case 'preToolUse':
        return on((t) => turns.toolStart(t, toolName, own.parameters, toolName));
      case 'postToolUse': {
        const success = own.success;
        return on((t) =>
          turns.toolEnd(t, toolName, own.parameters, { ok: typeof success === 'boolean' ? success : undefined, durationMs: number(own, 'executionTimeMs'), timedBy: toolName }),
        );
      }
      case 'taskComplete':
        return [...on((t) => turns.done(t, text(own, 'result'))), ...turns.end()];
      case 'taskCancel':
        return [...on((t) => [{ type: 'turn.interrupted', taskId: t, agentId: turns.agentId, reason: 'cancelled in Cline' }]), ...turns.end()];
      default:
        // taskResume, preCompact, ...: the session is alive.
        return [session];
    }
  },
};
