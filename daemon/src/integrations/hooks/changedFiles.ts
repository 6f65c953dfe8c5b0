/**
 * The files a tool call changed, from its input: what the task page lists for a turn with Open and Open Changes. Edit
 * tools name one file (`file_path`, `notebook_path`, `path`, `absolute_path`); a patch (Codex `apply_patch`) names each
 * file in its `*** Add/Update/Delete File:` and `*** Move to:` lines. Paths are made absolute against the session's
 * folder; a call that failed changed nothing.
 */
import { isAbsolute, resolve } from 'node:path';
import { toolName } from './text.js';

/** Tools that write files, by the names people read (`replace` is Edit, `write_file` Write, ...). */
const EDIT_TOOLS = new Set(['Edit', 'Write', 'MultiEdit', 'NotebookEdit']);
const PATH_FIELDS = ['file_path', 'notebook_path', 'absolute_path', 'path'];
const PATCH_LINE = /^\*\*\* (?:(?:Add|Update|Delete) File|Move to): (.+)$/gm;
/** A patch touching more files than this lists the first ones: the page shows a turn's files, not an inventory. */
const MAX_FILES = 50;

/** A path a payload names, kept as text when it could be one (none reads it here). */
export function plainPath(path: string): string | undefined {
  return path.length <= MAX_PATH_CHARS && !path.includes('\0') ? path : undefined;
}
const MAX_PATH_CHARS = 4096;

export function changedFiles(tool: string, input: unknown, cwd: string | undefined): string[] {
  if (!EDIT_TOOLS.has(toolName(tool)) || typeof input !== 'object' || input === null) return [];
  const fields = input as Record<string, unknown>;
  const named = PATH_FIELDS.map((field) => fields[field]).find((value): value is string => typeof value === 'string' && value.trim() !== '');
  const paths = named !== undefined ? [named] : patchPaths(fields);
  const files = new Set<string>();
  for (const path of paths) {
    if (plainPath(path) === undefined) continue;
    files.add(cwd && !isAbsolute(path) ? resolve(cwd, path) : path);
    if (files.size >= MAX_FILES) break;
  }
  return [...files];
}

/** The files a patch names, wherever in the input the patch text is (a string, or one part of a command array). */
function patchPaths(fields: Record<string, unknown>): string[] {
  const texts = Object.values(fields).flatMap((value) => (typeof value === 'string' ? [value] : Array.isArray(value) ? value.filter((v): v is string => typeof v === 'string') : []));
  return texts.flatMap((text) => (text.includes('*** Begin Patch') ? [...text.matchAll(PATCH_LINE)].map((m) => (m[1] as string).trim()) : []));
}
