/**
 * JSON (and JSON with comments) configs edited in place, as VS Code edits settings.json: jsonc-parser gives the syntax
 * tree with offsets, and each change is one text edit over the bytes of the node it concerns. What we insert follows
 * the file's own indentation and line ends; what we remove takes exactly the bytes an insertion adds, so an install
 * followed by an uninstall gives back the file as it was. Numbers, comments, trailing commas and the order of keys
 * elsewhere are never re-serialised.
 */
import { isDeepStrictEqual } from 'node:util';
import { applyEdits, findNodeAtLocation, getNodeValue, parseTree, printParseErrorCode, type Edit, type Node, type ParseError } from 'jsonc-parser';
import { ConfigFileError } from './configFile.js';

export type JsonPath = (string | number)[];
export type JsonObject = Record<string, unknown>;

export function isJsonObject(value: unknown): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

export class JsonDocument {
  text: string;
  private tree: Node;

  /** `text` undefined (no file yet) or blank starts from an empty object. */
  constructor(
    readonly file: string,
    text: string | undefined,
  ) {
    this.text = text === undefined ? '{}\n' : text.trim() === '' ? `{}${text}` : text;
    this.tree = this.parse(this.text);
  }

  /** The value at `path` (undefined when absent). Numbers beyond a double read as Infinity: for reading only. */
  get(path: JsonPath): unknown {
    const node = findNodeAtLocation(this.tree, path);
    return node === undefined ? undefined : getNodeValue(node);
  }

  /** The kind of node at `path`, or undefined. */
  typeAt(path: JsonPath): Node['type'] | undefined {
    return findNodeAtLocation(this.tree, path)?.type;
  }

  /** Sets the value at `path`: replaces what is there, or adds the property (its parent objects too). */
  set(path: JsonPath, value: unknown): void {
    const node = findNodeAtLocation(this.tree, path);
    if (node !== undefined) {
      if (isDeepStrictEqual(getNodeValue(node), value)) return;
      const multiline = this.text.slice(node.offset, node.offset + node.length).includes('\n');
      this.edit({ offset: node.offset, length: node.length, content: this.render(value, this.indentOf(node.offset), multiline) });
      return;
    }
    let parentPath = path.slice(0, -1);
    let wrapped = value;
    let key = path.at(-1);
    // Climb to the nearest parent that exists, wrapping the value in the objects that are missing.
    while (findNodeAtLocation(this.tree, parentPath) === undefined) {
      wrapped = { [String(key)]: wrapped };
      key = parentPath.at(-1);
      parentPath = parentPath.slice(0, -1);
    }
    const parent = findNodeAtLocation(this.tree, parentPath) as Node;
    if (parent.type !== 'object' || typeof key !== 'string') throw new ConfigFileError(this.file, `"${parentPath.join('.')}" is not an object`);
    this.insert(parent, `${JSON.stringify(key)}: `, wrapped);
  }

  /** Appends `value` to the array at `path`. */
  append(path: JsonPath, value: unknown): void {
    const node = findNodeAtLocation(this.tree, path);
    if (node?.type !== 'array') throw new ConfigFileError(this.file, `"${path.join('.')}" is not a list`);
    this.insert(node, '', value);
  }

  /** Removes the property or element at `path`, with the separator and layout its insertion added. */
  remove(path: JsonPath): void {
    const node = findNodeAtLocation(this.tree, path);
    if (node === undefined) return;
    const item = node.parent?.type === 'property' ? node.parent : node;
    const container = item.parent as Node;
    const siblings = container.children ?? [];
    const index = siblings.indexOf(item);
    const end = item.offset + item.length;
    const previous = siblings[index - 1];
    const next = siblings[index + 1];
    if (previous !== undefined) this.edit({ offset: previous.offset + previous.length, length: end - previous.offset - previous.length });
    else if (next !== undefined) this.edit({ offset: item.offset, length: next.offset - item.offset });
    else this.removeOnly(container, item);
  }

  private removeOnly(container: Node, item: Node): void {
    const open = container.offset + 1;
    const close = container.offset + container.length - 1;
    const before = this.text.slice(open, item.offset);
    const after = this.text.slice(item.offset + item.length, close);
    if (before.trim() === '' && after.trim() === '') this.edit({ offset: open, length: close - open });
    else this.edit({ offset: item.offset - (before.length - before.trimEnd().length), length: item.length + (before.length - before.trimEnd().length) });
  }

  /** Adds after the container's last child (or into an empty one), in the container's own layout. */
  private insert(container: Node, prefix: string, value: unknown): void {
    const children = container.children ?? [];
    const last = children.at(-1);
    const open = container.offset + 1;
    if (last === undefined) {
      const outer = this.indentOf(container.offset);
      const inner = outer + this.unit();
      const close = container.offset + container.length - 1;
      const interior = this.text.slice(open, close);
      const entry = `${prefix}${this.render(value, inner, true)}`;
      if (interior.trim() === '') this.edit({ offset: open, length: close - open, content: `${this.eol()}${inner}${entry}${this.eol()}${outer}` });
      else this.edit({ offset: open, length: 0, content: `${this.eol()}${inner}${entry}` });
      return;
    }
    const first = children[0] as Node;
    const multiline = this.text.slice(open, first.offset).includes('\n');
    const at = last.offset + last.length;
    const content = multiline
      ? `,${this.eol()}${this.indentOf(last.offset)}${prefix}${this.render(value, this.indentOf(last.offset), true)}`
      : `, ${prefix}${this.render(value, '', false)}`;
    this.edit({ offset: at, length: 0, content });
  }

  private render(value: unknown, indent: string, multiline: boolean): string {
    if (!multiline) return JSON.stringify(value);
    return JSON.stringify(value, null, this.unit()).split('\n').join(`${this.eol()}${indent}`);
  }

  /** The whitespace that starts the line holding `offset`. */
  private indentOf(offset: number): string {
    const lineStart = this.text.lastIndexOf('\n', offset - 1) + 1;
    return /^[ \t]*/.exec(this.text.slice(lineStart, offset))?.[0] ?? '';
  }

  private unit(): string {
    const indent = /^([ \t]+)["}\]{[]/m.exec(this.text)?.[1];
    if (indent === undefined) return '  ';
    return indent.startsWith('\t') ? '\t' : indent;
  }

  private eol(): string {
    return this.text.includes('\r\n') ? '\r\n' : '\n';
  }

  private edit(edit: Omit<Edit, 'content'> & { content?: string }): void {
    const text = applyEdits(this.text, [{ ...edit, content: edit.content ?? '' }]);
    this.tree = this.parse(text);
    this.text = text;
  }

  private parse(text: string): Node {
    const errors: ParseError[] = [];
    const tree = parseTree(text, errors, { allowTrailingComma: true, disallowComments: false });
    const first = errors[0];
    if (first !== undefined) throw new ConfigFileError(this.file, `not valid JSON (${printParseErrorCode(first.error)} at offset ${first.offset})`);
    if (tree?.type !== 'object') throw new ConfigFileError(this.file, 'does not hold a JSON object');
    return tree;
  }
}
