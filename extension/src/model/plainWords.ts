/**
 * The words rows, tooltips, pages and notifications use for the daemon's codes, so every view says the same thing in
 * plain language ("lease expired", "waiting for permission: …") and no view shows a raw code. No `vscode` here.
 */
import { plainText } from './plainText.js';
import type { Agent, NeedsInput, Task, TaskState } from './protocol.js';

/** What the agent waits for (tasks held from before the field existed have none). */
export function needsInputOf(task: Task): NeedsInput | null {
  return task.needsInput ?? null;
}

const STUCK_REASONS: Readonly<Record<string, string>> = {
  lease_expired: 'lease expired',
  agent_offline: 'agent offline',
  expired: 'ran past its time limit',
  process_exited: 'agent process exited',
};

export function stuckReasonText(reason: string): string {
  return STUCK_REASONS[reason] ?? plainText(reason).replace(/_/g, ' ');
}

const STATE_WORDS: Readonly<Record<TaskState, string>> = {
  backlog: 'in the backlog',
  pending: 'pending',
  assigned: 'assigned',
  active: 'active',
  paused: 'paused',
  review: 'in review',
  approved: 'approved',
  done: 'done',
  failed: 'failed',
  cancelled: 'cancelled',
};

export function stateText(state: TaskState): string {
  return STATE_WORDS[state];
}

/** "waiting for permission: Bash(rm -rf build)" / "waiting for an answer: Which branch?" */
export function needsInputText(needs: NeedsInput, maxMessage = 120): string {
  const what = needs.kind === 'permission' ? 'waiting for permission' : 'waiting for an answer';
  const message = oneLine(needs.message, maxMessage);
  return message ? `${what}: ${message}` : what;
}

/** Untrusted text on one line, shortened, through `plainText`: what a row or a toast can show. */
export function oneLine(text: string, max = 120): string {
  const flat = plainText(text).replace(/\s+/g, ' ').trim();
  if (flat.length <= max) return flat;
  // Never cut a surrogate pair in half (a lone half shows as a box).
  const end = /[\uD800-\uDBFF]/.test(flat.charAt(max - 2)) ? max - 2 : max - 1;
  return `${flat.slice(0, end)}…`;
}

/** An agent by its name (or, when unknown to the model, its id: the only name there is). */
export function agentLabel(agentId: string | null, lookup: (id: string) => Agent | undefined): string {
  if (!agentId) return '';
  return plainText(lookup(agentId)?.name || agentId);
}

/** "blocked by Design the grammar", "blocked by A, B and 2 more" */
export function blockedByText(titles: readonly string[]): string {
  if (!titles.length) return '';
  const shown = titles.slice(0, 2).map((t) => `"${oneLine(t, 60)}"`);
  const more = titles.length - shown.length;
  return `blocked by ${shown.join(', ')}${more > 0 ? ` and ${more} more` : ''}`;
}

/** "1 task", "2 tasks": the one way counts are worded (a screen reader says "1 tasks" as written). */
export function counted(n: number, singular: string, plural = `${singular}s`): string {
  return `${n.toLocaleString('en-US')} ${n === 1 ? singular : plural}`;
}

/**
 * A short, stable tag that tells identical titles apart and reads as an id, never as a piece of a word ("#ests"): a
 * short id whole ("#tests"), else its last part when that is short ("#2" of "build-parser-2"), else the end of a
 * generated id, which is random characters ("#k3zq" of a ulid).
 */
export function shortTag(id: string): string {
  if (id.length <= SHORT_ID_CHARS) return `#${id}`;
  const last = id.split(/[^A-Za-z0-9]+/).filter(Boolean).at(-1) ?? '';
  if (last.length > 0 && last.length <= SHORT_PART_CHARS) return `#${last}`;
  return `#${last ? last.slice(-4).toLowerCase() : id.slice(-4)}`;
}

const SHORT_ID_CHARS = 12;
const SHORT_PART_CHARS = 8;

const KIND_NAMES: Readonly<Record<string, string>> = {
  'claude-code': 'Claude Code',
  codex: 'Codex',
  'gemini-cli': 'Gemini CLI',
  cursor: 'Cursor',
  'copilot-cli': 'Copilot CLI',
  'vscode-agent': 'VS Code agent',
  cline: 'Cline',
  run: 'agent-tracker run',
};

export function agentKindName(kind: string | undefined): string | undefined {
  if (!kind) return undefined;
  return KIND_NAMES[kind] ?? kind;
}

/** The last folder of a path: a workspace is named by it in rows. */
export function folderName(path: string | undefined): string | undefined {
  if (!path) return undefined;
  const parts = plainText(path).split(/[\\/]+/).filter(Boolean);
  return parts.at(-1);
}
