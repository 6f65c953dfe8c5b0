/**
 * TOML configs (Codex's config.toml) parsed with smol-toml, but edited as text: our table is one block we remove and
 * append, so the user's comments and layout elsewhere stay byte for byte (a parse-and-stringify would drop them).
 * Every result is parsed again before it is written.
 */
import { parse, stringify, TomlError } from 'smol-toml';
import { ConfigFileError } from './configFile.js';

export type TomlTable = Record<string, unknown>;

export function parseTomlConfig(file: string, text: string | undefined): TomlTable {
  if (text === undefined) return {};
  try {
    return parse(text) as TomlTable;
  } catch (error) {
    const reason = error instanceof TomlError ? `line ${error.line}: ${error.message.split('\n')[0]}` : String(error);
    throw new ConfigFileError(file, `not valid TOML (${reason})`);
  }
}

/** `[a.b]` and its sub-tables `[a.b.*]` as written by a header; bare or quoted keys. */
function headerPattern(path: readonly string[]): RegExp {
  const key = (k: string) => `(?:${escape(k)}|"${escape(k)}")`;
  return new RegExp(`^\\s*\\[\\s*${path.map(key).join('\\s*\\.\\s*')}\\s*(?:\\]|\\.)`);
}

function escape(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\-]/g, '\\$&');
}

/** Removes the table at `path` (with its sub-tables) and the comment line `marker` right above it. */
export function removeTomlTable(text: string, path: readonly string[], marker: string): string {
  const lines = text.split('\n');
  const header = headerPattern(path);
  const kept: string[] = [];
  let skipping = false;
  for (const line of lines) {
    if (header.test(line)) {
      skipping = true;
      if (kept.at(-1)?.trim() === marker) kept.pop();
      continue;
    }
    if (skipping && /^\s*\[/.test(line)) skipping = false;
    if (!skipping) kept.push(line);
  }
  return kept.join('\n').replace(/\n{3,}/g, '\n\n');
}

/** Appends `[path...]` holding `value` (a table whose sub-tables become `[path.sub]`), under the comment `marker`. */
export function appendTomlTable(text: string, path: readonly string[], value: TomlTable, marker: string): string {
  let nested: TomlTable = value;
  for (const key of [...path].reverse()) nested = { [key]: nested };
  const block = `${marker}\n${stringify(nested).trim()}\n`;
  const body = text.trimEnd();
  return body === '' ? block : `${body}\n\n${block}`;
}
