/**
 * Reading and writing a config file we do not own: parse it (a broken file is refused, never overwritten), change
 * only our entries, then write a backup of the original and replace the file atomically, and only when the content
 * really changes (installing twice writes nothing). JSON keeps the file's own indentation and key order.
 */
import { copyFileSync, existsSync, mkdirSync, readFileSync, renameSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';

export const BACKUP_SUFFIX = '.agent-tracker.bak';

export type JsonObject = Record<string, unknown>;

export interface JsonDocument {
  file: string;
  existed: boolean;
  original: string;
  value: JsonObject;
  indent: string;
}

export function readJsonDocument(file: string): JsonDocument {
  if (!existsSync(file)) return { file, existed: false, original: '', value: {}, indent: '  ' };
  const original = readFileSync(file, 'utf8');
  if (original.trim() === '') return { file, existed: true, original, value: {}, indent: '  ' };
  let value: unknown;
  try {
    value = JSON.parse(original);
  } catch (error) {
    throw new Error(`${file} is not valid JSON (${error instanceof Error ? error.message : String(error)}); fix it first, nothing was changed`);
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) throw new Error(`${file} does not hold a JSON object; nothing was changed`);
  const indent = /^[{[]\r?\n([ \t]+)/.exec(original)?.[1] ?? '  ';
  return { file, existed: true, original, value: value as JsonObject, indent };
}

/** Writes the document if its content changed; returns whether it did. */
export function writeJsonDocument(doc: JsonDocument): boolean {
  const eol = doc.original.includes('\r\n') ? '\r\n' : '\n';
  const text = `${JSON.stringify(doc.value, null, doc.indent).replace(/\n/g, eol)}${eol}`;
  return writeTextFile(doc.file, doc.existed ? doc.original : undefined, text);
}

/** Backup first, then an atomic replace keeping the file's mode; nothing happens when `text` equals `original`. */
export function writeTextFile(file: string, original: string | undefined, text: string, mode?: number): boolean {
  if (original === text) return false;
  mkdirSync(path.dirname(file), { recursive: true });
  const keepMode = original === undefined ? mode : statSync(file).mode & 0o777;
  if (original !== undefined) copyFileSync(file, `${file}${BACKUP_SUFFIX}`);
  const temp = `${file}.${process.pid}.tmp`;
  writeFileSync(temp, text, keepMode === undefined ? undefined : { mode: keepMode });
  renameSync(temp, file);
  return true;
}

export function isJsonObject(value: unknown): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
