/**
 * The one way the installers touch a file that belongs to another program (an agent's settings, hooks or MCP config):
 * read it through any symlink, refuse what cannot be changed safely (not a regular file, not UTF-8, read-only), keep a
 * copy of what was there, and replace the link's target atomically with its own mode. The new text comes from minimal
 * edits (jsonDocument.ts, tomlDocument.ts), so every byte we do not need to change stays as the user wrote it.
 */
import { accessSync, chmodSync, constants, copyFileSync, existsSync, lstatSync, mkdirSync, readFileSync, realpathSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describeError } from '../../protocol/index.js';

/** Agents' config files are small; anything far larger is not one we should load. */
const MAX_CONFIG_BYTES = 64 * 1024 * 1024;

/** A config we cannot change safely is never rewritten: the message names the file and what the user can do. */
export class ConfigFileError extends Error {
  constructor(file: string, problem: string) {
    super(`${file}: ${problem}; left unchanged`);
    this.name = 'ConfigFileError';
  }
}

/** Next to the file, overwritten by each change we make, so the state before our last change can be restored by hand. */
export function backupPath(file: string): string {
  return `${file}.agent-tracker.bak`;
}

export interface ConfigFile {
  /** The path as the agent names it (it may be a symlink). */
  file: string;
  /** Where the bytes live: `file` with every link resolved. */
  target: string;
  /** The text as read; undefined when there is no file yet. */
  text: string | undefined;
}

/** Reads `file` (through links) for editing; throws ConfigFileError for anything we must not edit. */
export function readConfigFile(file: string): ConfigFile {
  let link;
  try {
    link = lstatSync(file);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return { file, target: file, text: undefined };
    throw new ConfigFileError(file, `cannot be read (${describeError(error)})`);
  }
  let target = file;
  if (link.isSymbolicLink()) {
    try {
      target = realpathSync(file);
    } catch {
      throw new ConfigFileError(file, 'is a symbolic link to a file that does not exist');
    }
  }
  const stat = statSync(target);
  if (!stat.isFile()) throw new ConfigFileError(file, 'is not a regular file');
  if (stat.size > MAX_CONFIG_BYTES) throw new ConfigFileError(file, `is larger than ${MAX_CONFIG_BYTES} bytes`);
  const bytes = readFileSync(target);
  const text = bytes.toString('utf8');
  // Decoding replaces broken sequences; writing that back would change bytes we never meant to touch.
  if (!Buffer.from(text, 'utf8').equals(bytes)) throw new ConfigFileError(file, 'is not UTF-8 text');
  return { file, target, text };
}

export interface ConfigChange {
  config: ConfigFile;
  /** The new text; null removes the file (only files that are wholly ours). */
  text: string | null;
  /** The mode of a file we create. */
  mode?: number;
}

/**
 * Writes every change that really changes something, or none: all files are checked (writable, not changed since
 * they were read) before the first is written. Returns whether any file changed.
 */
export function writeConfigChanges(changes: readonly ConfigChange[]): boolean {
  const real = changes.filter((change) => change.text !== (change.config.text ?? null));
  for (const change of real) checkWritable(change.config);
  for (const change of real) {
    if (change.text === null) rmSync(change.config.file, { force: true });
    else writeConfig(change.config, change.text, change.mode ?? 0o600);
  }
  return real.length > 0;
}

function checkWritable(config: ConfigFile): void {
  if (config.text === undefined) {
    if (existsSync(config.target)) throw new ConfigFileError(config.file, 'appeared while agent-tracker was editing it; run the command again');
    return;
  }
  const mode = statSync(config.target).mode;
  // Root may write anything; a file without write permission is still the user's "do not touch".
  if ((mode & 0o222) === 0 || !canWrite(config.target)) throw new ConfigFileError(config.file, 'is read-only; make it writable to let agent-tracker change it');
  if (!canWrite(path.dirname(config.target))) throw new ConfigFileError(config.file, `its folder ${path.dirname(config.target)} is not writable`);
  const now = readFileSync(config.target, 'utf8');
  if (now !== config.text) throw new ConfigFileError(config.file, 'changed while agent-tracker was editing it; run the command again');
}

function canWrite(file: string): boolean {
  try {
    accessSync(file, constants.W_OK);
    return true;
  } catch {
    return false;
  }
}

/** Backup of what was there, then temp file + rename in the target's own folder, keeping the target's mode. */
function writeConfig(config: ConfigFile, text: string, newMode: number): void {
  const dir = path.dirname(config.target);
  mkdirSync(dir, { recursive: true });
  const mode = config.text === undefined ? newMode : statSync(config.target).mode & 0o7777;
  if (config.text !== undefined) copyFileSync(config.target, backupPath(config.file));
  const temp = path.join(dir, `.${path.basename(config.target)}.${process.pid}.tmp`);
  try {
    writeFileSync(temp, text, { mode });
    chmodSync(temp, mode);
    renameSync(temp, config.target);
  } catch (error) {
    rmSync(temp, { force: true });
    throw new ConfigFileError(config.file, `could not be written (${describeError(error)})`);
  }
}
