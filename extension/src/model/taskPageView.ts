/**
 * What a task's page shows, computed without `vscode` from the task, the tasks and agents it refers to, and its log
 * events: plain strings and numbers only, which the page's script puts into the DOM as text.
 */
import { formatDuration, formatTime } from './format.js';
import { agentKindName, needsInputOf, needsInputText, stateText, stuckReasonText } from './plainWords.js';
import { isFinished, openDependencies, type Agent, type Task, type TaskState, type TrackerEvent } from './protocol.js';
import { rollupOf, rollupText, type Rollup } from './rollup.js';
import type { AgentRowStatus, AgentTree } from './agentTree.js';

export type TaskAction = 'allow' | 'deny' | 'focusTerminal' | 'retry' | 'cancel' | 'reset' | 'replay';

export interface TaskRef {
  id: string;
  title: string;
  state: string;
}

export interface TaskPageView {
  taskId: string;
  title: string;
  state: TaskState;
  stateText: string;
  /** "waiting for permission: …", "stuck: lease expired", "blocked by …": what the user should know first. */
  attention: string[];
  /** `status` is the word the agent's row in the Agents view starts with ("needs you", "busy", …). */
  agent: { name: string; kind?: string; status: AgentRowStatus } | null;
  facts: [string, string][];
  progress: number;
  step: string;
  usage: [string, string][];
  lastError: { at: string; message: string } | null;
  parent: TaskRef | null;
  dependencies: (TaskRef & { done: boolean })[];
  /** Tasks that depend on this one; `waiting` while this one holds them back. */
  blocks: (TaskRef & { waiting: boolean })[];
  subtasks: TaskRef[];
  /** The subtasks' progress taken together, when there are any. */
  rollup: (Rollup & { text: string }) | null;
  /** Times are the user's local time, as text (`at` of the log lines too). */
  logs: { at: string; level: string; message: string }[];
  /** Files the task's tool calls and its subtasks' changed (a turn's edits), first changed first; `label` relative to its folder. */
  files: { path: string; label: string }[];
  /** The agent's transcript of this turn, where its payloads named one. */
  transcript: string | null;
  actions: TaskAction[];
  /** Set when a retry cannot do what the user may expect. */
  retryNote: string | null;
}

export interface TaskPageSources {
  task: (id: string) => Task | undefined;
  agent: (id: string) => Agent | undefined;
  /** The Agents view's tree: the page says of the agent what its row there says. */
  agents: Pick<AgentTree, 'rowStatusOf'>;
  subtasksOf: (id: string) => readonly Task[];
  /** Tasks whose `dependsOn` names this one. */
  dependentsOf: (id: string) => readonly Task[];
  /** Whether the agent runs in a terminal the user can be taken to (VS Code's own; the board has none). */
  inTerminal?: (agentId: string) => boolean;
}

/** The page keeps this many of the newest log lines. */
export const MAX_LOG_LINES = 200;

/** `nestedEvents`: events of the task's subtasks, whose edits count as the task's (a turn's subagents). */
export function taskPageView(task: Task, src: TaskPageSources, events: readonly TrackerEvent[], nestedEvents: readonly TrackerEvent[] = []): TaskPageView {
  const ref = (id: string): TaskRef => {
    const other = src.task(id);
    return { id, title: other?.title ?? 'a task not known here', state: other ? stateText(other.state) : 'unknown' };
  };
  const attention: string[] = [];
  const needs = needsInputOf(task);
  if (needs) attention.push(needsInputText(needs, 2000));
  if (task.stuck) attention.push(`Stuck since ${formatTime(task.stuck.since)}: ${stuckReasonText(task.stuck.reason)}`);
  // The rule the Tasks view's rows use: a dependency this window does not hold is open only if the daemon said so.
  const openIds = new Set(openDependencies(task, src.task, task.blocked));
  const dependencies = task.dependsOn.map((d) => ({ ...ref(d.taskId), done: !openIds.has(d.taskId) }));
  const open = dependencies.filter((d) => !d.done);
  if (open.length && (task.state === 'pending' || task.state === 'backlog')) {
    attention.push(`Blocked by ${open.map((d) => d.title).join(', ')}`);
  }
  const agent = task.agentId ? src.agent(task.agentId) : undefined;
  const subtasks = src.subtasksOf(task.id);
  return {
    taskId: task.id,
    title: task.title,
    state: task.state,
    stateText: stateText(task.state),
    attention,
    agent: task.agentId
      ? {
          name: agent?.name || task.agentId,
          kind: kindUnlessNamed(agent?.name, agentKindName(agent?.meta.kind)),
          status: src.agents.rowStatusOf(task.agentId),
        }
      : null,
    facts: facts(task),
    progress: task.progress,
    step: task.step,
    usage: usageRows(task),
    lastError: task.lastError ? { at: formatTime(task.lastError.at), message: task.lastError.message } : null,
    parent: task.parentId ? ref(task.parentId) : null,
    dependencies,
    blocks: src.dependentsOf(task.id).map((t) => ({ id: t.id, title: t.title, state: stateText(t.state), waiting: holdsBack(task, t) })),
    subtasks: subtasks.map((t) => ({ id: t.id, title: t.title, state: stateText(t.state) })),
    rollup: rollupView(subtasks),
    logs: logLines(events),
    files: changedFiles([...events, ...nestedEvents].sort((x, y) => x.seq - y.seq), agent?.meta.cwd),
    transcript: typeof task.input['transcriptPath'] === 'string' && task.input['transcriptPath'] ? task.input['transcriptPath'] : null,
    actions: actionsFor(task, task.agentId !== null && (src.inTerminal?.(task.agentId) ?? false)),
    retryNote: isRunTask(task) ? 'This task ran a command through agent-tracker run: a retry puts it back in the queue, but nothing re-runs the command. Run it again in a terminal.' : null,
  };
}

function rollupView(subtasks: readonly Task[]): TaskPageView['rollup'] {
  const rollup = rollupOf(subtasks);
  return rollup ? { ...rollup, text: rollupText(rollup) } : null;
}

/** A dependent that has not started because this task is not yet in the state it needs. */
function holdsBack(task: Task, dependent: Task): boolean {
  if (dependent.state !== 'pending' && dependent.state !== 'backlog') return false;
  return openDependencies({ dependsOn: dependent.dependsOn.filter((d) => d.taskId === task.id) }, () => task).length > 0;
}

/** The agent's kind, unless its name already says it ("Claude Code · shop-api" needs no "(Claude Code)"). */
function kindUnlessNamed(name: string | undefined, kind: string | undefined): string | undefined {
  return kind !== undefined && name?.split(' · ').includes(kind) ? undefined : kind;
}

export function isRunTask(task: Task): boolean {
  return task.triggerSource === 'agent-tracker run';
}

function actionsFor(task: Task, inTerminal: boolean): TaskAction[] {
  const actions: TaskAction[] = [];
  // A pending approval is decided right here; the agent's terminal is one click away whenever there is one.
  if (task.needsInput?.approvalId) actions.push('allow', 'deny');
  if (inTerminal) actions.push('focusTerminal');
  if (task.state === 'failed') actions.push('retry');
  if (!isFinished(task.state)) actions.push('cancel');
  if (task.stuck) actions.push('reset');
  actions.push('replay');
  return actions;
}

function facts(task: Task): [string, string][] {
  const rows: [string, string][] = [];
  const time = (label: string, iso: string | null): void => void (iso && rows.push([label, formatTime(iso)]));
  time('Created', task.createdAt);
  time('Assigned', task.assignedAt);
  time('Started', task.startedAt);
  time('Finished', task.completedAt);
  time('Updated', task.updatedAt);
  time('Deadline', task.expiresAt);
  const wait = task.metrics.waitMs;
  const work = task.metrics.workMs;
  if (wait !== null) rows.push(['Waited', formatDuration(wait)]);
  if (work !== null) rows.push(['Worked', formatDuration(work)]);
  rows.push(['Attempts', task.maxAttempts ? `${task.attempts} of ${task.maxAttempts}` : String(task.attempts)]);
  rows.push(['Priority', String(task.priority)]);
  if (task.type) rows.push(['Type', task.type]);
  if (task.tags.length) rows.push(['Tags', task.tags.join(', ')]);
  // A turn is started by its agent's kind ("claude-code"): named as the rest of the UI names that kind.
  if (task.triggerSource) rows.push(['Started by', agentKindName(task.triggerSource) ?? task.triggerSource]);
  rows.push(['Id', task.id]);
  return rows;
}

function usageRows(task: Task): [string, string][] {
  const usage = task.usage;
  if (!usage) return [];
  const rows: [string, string][] = [];
  const count = (label: string, n: number): void => void rows.push([label, n.toLocaleString('en-US')]);
  if (usage.model) rows.push(['Model', usage.model]);
  count('Input tokens', usage.inputTokens);
  count('Output tokens', usage.outputTokens);
  count('Cache read', usage.cacheReadTokens);
  count('Cache write', usage.cacheWriteTokens);
  count('Requests', usage.requests);
  count('Tool calls', usage.toolCalls);
  rows.push(['Cost', formatCost(usage.costUsd)]);
  return rows;
}

export function formatCost(usd: number): string {
  return usd < 0.01 && usd > 0 ? `$${usd.toFixed(4)}` : `$${usd.toFixed(2)}`;
}

/** A turn's edits as the hooks logged them: each file once, however many times it was edited. */
function changedFiles(events: readonly TrackerEvent[], cwd: string | undefined): TaskPageView['files'] {
  const seen = new Set<string>();
  const files: TaskPageView['files'] = [];
  for (const event of events) {
    if (event.type !== 'task.log' || !Array.isArray(event.data.files)) continue;
    for (const path of event.data.files) {
      if (typeof path !== 'string' || seen.has(path)) continue;
      seen.add(path);
      files.push({ path, label: relativeTo(path, cwd) });
    }
  }
  return files;
}

/** `src/app.ts` for `/work/app/src/app.ts` in `/work/app`; any other path whole. No `node:path`: the board runs this. */
function relativeTo(path: string, folder: string | undefined): string {
  if (!folder) return path;
  const base = folder.replace(/[\\/]+$/, '');
  const rest = path.slice(base.length);
  return path.startsWith(base) && /^[\\/]./.test(rest) ? rest.slice(1) : path;
}

function logLines(events: readonly TrackerEvent[]): TaskPageView['logs'] {
  const lines: TaskPageView['logs'] = [];
  for (const event of events) {
    if (event.type !== 'task.log') continue;
    lines.push({ at: formatTime(event.at), level: event.data.level, message: event.data.message });
  }
  return lines.slice(-MAX_LOG_LINES);
}
