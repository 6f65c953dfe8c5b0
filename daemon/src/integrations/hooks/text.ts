/** How hook payloads become short labels: titles, steps and results that read well in a sidebar row. */
import { createHash } from 'node:crypto';
import { basename, isAbsolute, relative } from 'node:path';
import { MAX_LABEL_CHARS, MAX_TITLE_CHARS } from '../../protocol/index.js';

/** The first non-empty line, cut to `max` characters with an ellipsis. */
export function firstLine(text: string, max: number): string {
  const line = text.split(/\r?\n/).find((l) => l.trim() !== '')?.trim() ?? '';
  return shorten(line, max);
}

export function shorten(text: string, max: number): string {
  const chars = [...text];
  return chars.length <= max ? text : `${chars.slice(0, max - 1).join('')}…`;
}

/** A task title from a prompt: its first line (a prompt of only blank lines is still a turn). */
export function titleOf(prompt: string, fallback: string): string {
  return firstLine(prompt, Math.min(120, MAX_TITLE_CHARS)) || fallback;
}

/** `<Agent name> · <folder of cwd>` */
export function agentName(displayName: string, cwd: string | undefined): string {
  const folder = cwd ? basename(cwd) : '';
  return shorten(folder ? `${displayName} · ${folder}` : displayName, MAX_LABEL_CHARS);
}

/** Ids built from the agent's own ids; one too long for the contract is replaced by a digest of the same parts. */
export function idFrom(...parts: string[]): string {
  const clean = parts.map((part) => part.replace(/[^A-Za-z0-9._-]/g, '_'));
  const id = clean.join(':');
  if (id.length <= 128) return id;
  return `${clean[0]}:${createHash('sha256').update(parts.join('\n')).digest('base64url').slice(0, 40)}`;
}

/** How each agent names its tools, mapped to the names people read (`Bash`, `Edit`, ...). */
const TOOL_NAMES: Record<string, string> = {
  run_shell_command: 'Shell',
  exec_command: 'Bash',
  shell: 'Bash',
  replace: 'Edit',
  write_file: 'Write',
  read_file: 'Read',
  read_many_files: 'Read',
  glob: 'Glob',
  search_file_content: 'Grep',
  grep: 'Grep',
  list_directory: 'List',
  web_fetch: 'WebFetch',
  google_web_search: 'WebSearch',
  apply_patch: 'Edit',
};

/** The input field that says what a tool call does, by tool. */
const SUBJECT_FIELDS = ['command', 'cmd', 'file_path', 'path', 'absolute_path', 'notebook_path', 'pattern', 'url', 'query', 'description', 'prompt', 'dir_path'];

/**
 * `Bash: npm test`, `Edit: src/app.ts`: the tool and what it works on, paths relative to the session's folder.
 * MCP tools (`mcp__server__tool`) read as `server/tool`.
 */
export function toolStep(tool: string, input: unknown, cwd: string | undefined): string {
  const name = toolName(tool);
  const subject = subjectOf(input, cwd);
  return shorten(subject ? `${name}: ${subject}` : name, MAX_LABEL_CHARS);
}

/** A tool by the name people read: `Bash`, `Edit`, `server/tool` for MCP tools. */
export function toolName(tool: string): string {
  const mcp = /^mcp__(.+?)__(.+)$/.exec(tool);
  return mcp ? `${mcp[1]}/${mcp[2]}` : (TOOL_NAMES[tool] ?? tool);
}

function subjectOf(input: unknown, cwd: string | undefined): string {
  if (typeof input === 'string') return firstLine(input, 160);
  if (typeof input !== 'object' || input === null) return '';
  const fields = input as Record<string, unknown>;
  for (const field of SUBJECT_FIELDS) {
    let value = fields[field];
    if (Array.isArray(value) && value.every((part) => typeof part === 'string')) value = value.join(' ');
    if (typeof value !== 'string' || value.trim() === '') continue;
    const looksLikePath = field.includes('path') || field === 'dir_path';
    return firstLine(looksLikePath ? relativePath(value, cwd) : value, 160);
  }
  return '';
}

function relativePath(path: string, cwd: string | undefined): string {
  if (!cwd || !isAbsolute(path)) return path;
  const rel = relative(cwd, path);
  return rel && !rel.startsWith('..') && !isAbsolute(rel) ? rel : path;
}

/** `ok in 918 ms` / `failed in 808 ms` / `done in 1.2 s` (how it went unknown) */
export function outcomeText(ok: boolean | undefined, durationMs: number | undefined): string {
  const verdict = ok === undefined ? 'done' : ok ? 'ok' : 'failed';
  if (durationMs === undefined || !Number.isFinite(durationMs) || durationMs < 0) return verdict;
  return durationMs < 10_000 ? `${verdict} in ${Math.round(durationMs)} ms` : `${verdict} in ${(durationMs / 1000).toFixed(1)} s`;
}

/** What the model reads when the user denies its request: the user's reason, else a plain refusal. */
export function denialText(reason: string | undefined): string {
  return reason ?? 'The user denied this request from Agent Tracker.';
}

/** `Bash(rm -rf build)`: the tool and what it would do, as Claude Code shows it in its permission prompt. */
export function permissionSummary(toolName: string, input: unknown): string {
  const fields = (typeof input === 'object' && input !== null ? input : {}) as Record<string, unknown>;
  const subject = ['command', 'file_path', 'path', 'url', 'pattern'].map((k) => fields[k]).find((v) => typeof v === 'string');
  return typeof subject === 'string' ? `${toolName}(${subject})` : toolName;
}
