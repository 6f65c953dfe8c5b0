/**
 * Editing a config file that belongs to another program: read it, change only our entries, and write it back
 * atomically (temp file + rename, same mode) after keeping a copy of what was there.
 */
import { chmodSync, copyFileSync, mkdirSync, readFileSync, renameSync, statSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';

/** Next to the file, overwritten by each change we make, so the state before our last change can be restored by hand. */
export function backupPath(file: string): string {
  return `${file}.agent-tracker.bak`;
}

/** The file's text, or undefined when it does not exist. */
export function readConfig(file: string): string | undefined {
  try {
    return readFileSync(file, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw error;
  }
}

/** Writes `text` unless it equals `before`; returns whether the file changed. */
export function writeConfig(file: string, before: string | undefined, text: string): boolean {
  if (text === before) return false;
  mkdirSync(dirname(file), { recursive: true });
  let mode = 0o600;
  if (before !== undefined) {
    mode = statSync(file).mode & 0o777;
    copyFileSync(file, backupPath(file));
  }
  const tmp = `${file}.${process.pid}.tmp`;
  writeFileSync(tmp, text, { mode });
  chmodSync(tmp, mode);
  renameSync(tmp, file);
  return true;
}

/** A config we cannot read safely is never rewritten: the user fixes it first. */
export class ConfigFileError extends Error {
  constructor(file: string, problem: string) {
    super(`${file}: ${problem}; left unchanged`);
    this.name = 'ConfigFileError';
  }
}
