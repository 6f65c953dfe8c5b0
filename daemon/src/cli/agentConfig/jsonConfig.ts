/**
 * JSON (and JSON with comments) configs edited in place with jsonc-parser, as VS Code edits settings.json: only the
 * property we set or remove changes; comments, order and formatting elsewhere stay byte for byte.
 */
import { applyEdits, modify, parse, printParseErrorCode, type ParseError } from 'jsonc-parser';
import { ConfigFileError } from './configFile.js';

export type JsonPath = (string | number)[];

/** The parsed object; an empty or missing file is `{}`. */
export function parseJsonConfig(file: string, text: string | undefined): Record<string, unknown> {
  if (text === undefined || text.trim() === '') return {};
  const errors: ParseError[] = [];
  const value: unknown = parse(text, errors, { allowTrailingComma: true });
  if (errors.length > 0) {
    const first = errors[0] as ParseError;
    throw new ConfigFileError(file, `not valid JSON (${printParseErrorCode(first.error)} at offset ${first.offset})`);
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) throw new ConfigFileError(file, 'not a JSON object');
  return value as Record<string, unknown>;
}

/** Sets (or with `undefined`, removes) the value at `path`, creating parent objects as needed. */
export function editJson(text: string | undefined, path: JsonPath, value: unknown): string {
  const base = text === undefined || text.trim() === '' ? '{}\n' : text;
  const indent = /^( +|\t)"/m.exec(base)?.[1];
  const formattingOptions = indent === '\t' ? { insertSpaces: false, tabSize: 1 } : { insertSpaces: true, tabSize: indent?.length ?? 2 };
  return applyEdits(base, modify(base, path, value, { formattingOptions }));
}
