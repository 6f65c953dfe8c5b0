/**
 * TOML configs (Codex's config.toml) edited as text at the places a real TOML parser points to: smol-toml reads the
 * values, toml-eslint-parser gives each key and table its source range, and each change inserts or removes whole lines
 * there. The user's comments and layout stay byte for byte (a parse-and-stringify would drop them), and a removal takes
 * exactly the bytes its insertion added. Every result is parsed again before it is used.
 */
import { parse, stringify, TomlError } from 'smol-toml';
import { parseTOML, type AST } from 'toml-eslint-parser';
import { ConfigFileError } from './configFile.js';
import { describeError } from '../../protocol/index.js';

export type TomlTable = Record<string, unknown>;

export class TomlDocument {
  text: string;
  private values: TomlTable;

  constructor(
    readonly file: string,
    text: string | undefined,
  ) {
    this.text = text ?? '';
    this.values = this.parse(this.text);
  }

  /** The parsed document (a plain copy: smol-toml's tables have no prototype). */
  value(): TomlTable {
    return JSON.parse(JSON.stringify(this.values)) as TomlTable;
  }

  /** Adds `key = value` as a line of its own after the last top-level key (or first in the file). */
  setTopLevel(key: string, value: unknown): void {
    if (this.topLevel(key) !== undefined) this.removeTopLevel(key);
    const line = stringify({ [key]: value }).trim();
    const keys = this.top().body.filter((node): node is AST.TOMLKeyValue => node.type === 'TOMLKeyValue');
    const last = keys.at(-1);
    if (last === undefined) this.update(`${line}${this.eol()}${this.text}`);
    else {
      const at = this.lineEnd(last.range[1]);
      this.update(`${this.text.slice(0, at)}${this.eol()}${line}${this.text.slice(at)}`);
    }
  }

  /** Removes the top-level `key` line with the line break its insertion added. */
  removeTopLevel(key: string): void {
    const node = this.topLevel(key);
    if (node === undefined) return;
    const start = this.text.lastIndexOf('\n', node.range[0] - 1) + 1;
    const end = this.lineEnd(node.range[1]);
    if (start > 0) {
      const breakStart = this.text[start - 2] === '\r' ? start - 2 : start - 1;
      this.update(this.text.slice(0, breakStart) + this.text.slice(end));
    } else this.update(this.text.slice(this.afterBreak(end)));
  }

  /** Appends `[path]` holding `value` (its sub-tables become `[path.sub]`) under the comment line `marker`. */
  appendTable(path: readonly string[], value: TomlTable, marker: string): void {
    let nested: TomlTable = value;
    for (const key of [...path].reverse()) nested = { [key]: nested };
    const eol = this.eol();
    const block = [marker, ...stringify(nested).trim().split(/\r?\n/)].join(eol) + eol;
    const separator = this.text === '' ? '' : eol;
    this.update(`${this.text}${separator}${block}`);
  }

  /** Removes `[path]` and its sub-tables (with `marker` right above), and the line break `appendTable` put before it. */
  removeTable(path: readonly string[], marker: string): void {
    const tables = this.top().body.filter(
      (node): node is AST.TOMLTable => node.type === 'TOMLTable' && path.every((key, i) => node.resolvedKey[i] === key),
    );
    const first = tables[0];
    const last = tables.at(-1);
    if (first === undefined || last === undefined) return;
    let start = this.text.lastIndexOf('\n', first.range[0] - 1) + 1;
    const markerStart = this.text.lastIndexOf('\n', start - 2) + 1;
    if (start > 0 && this.text.slice(markerStart, start).trim() === marker) start = markerStart;
    let before = this.text.slice(0, start);
    const after = this.text.slice(this.afterBreak(this.lineEnd(last.range[1])));
    // appendTable added one line break before the block: a blank line after text that ended with one, else the end
    // of the last line.
    before = before.replace(/\r?\n$/, '');
    this.update(before + after);
  }

  private topLevel(key: string): AST.TOMLKeyValue | undefined {
    return this.top().body.find(
      (node): node is AST.TOMLKeyValue => node.type === 'TOMLKeyValue' && node.key.keys.length === 1 && keyName(node.key.keys[0]) === key,
    );
  }

  private top(): AST.TOMLTopLevelTable {
    return parseTOML(this.text).body[0];
  }

  /** The offset of the line break (or end of text) that ends the line holding `offset`. */
  private lineEnd(offset: number): number {
    const newline = this.text.indexOf('\n', offset);
    if (newline === -1) return this.text.length;
    return this.text[newline - 1] === '\r' ? newline - 1 : newline;
  }

  /** `offset` of a line end, moved past its line break. */
  private afterBreak(offset: number): number {
    if (this.text.startsWith('\r\n', offset)) return offset + 2;
    return this.text.startsWith('\n', offset) ? offset + 1 : offset;
  }

  private eol(): string {
    return this.text.includes('\r\n') ? '\r\n' : '\n';
  }

  private update(text: string): void {
    this.values = this.parse(text);
    this.text = text;
  }

  private parse(text: string): TomlTable {
    try {
      parseTOML(text);
      return parse(text);
    } catch (error) {
      const reason = error instanceof TomlError ? `line ${error.line}: ${error.message.split('\n')[0]}` : describeError(error);
      throw new ConfigFileError(this.file, `not valid TOML (${reason})`);
    }
  }
}

function keyName(key: AST.TOMLBare | AST.TOMLQuoted | undefined): string | undefined {
  if (key === undefined) return undefined;
  return key.type === 'TOMLBare' ? key.name : key.value;
}
