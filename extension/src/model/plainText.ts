/**
 * The one sanitiser for text that came from an agent (titles, messages, errors, steps, names, prompts, tool input):
 * whatever VS Code surface shows it, the user sees the characters the text holds and nothing they make VS Code do.
 *
 * - `plainText`: the base every surface shares. Bidirectional controls (U+202E turned "gnp.exe" into "exe.png") and
 *   invisible format characters are removed; control characters are shown as their visible pictures (␛, ␀).
 * - `notificationText`: notifications turn `[label](command:…)` into a live link and offer no escape, so the `](`
 *   joint of such a link is split with a space.
 * - `iconSafeText`: status bar items and quick picks render `$(name)` as an icon; the escaped form shows the text.
 * - `markdownText`: for a MarkdownString (tooltips): every punctuation character Markdown could act on is escaped.
 * - `plainData`: the same as `plainText` for every string of a value that a webview puts into its page as text.
 * No `vscode` here, so all of it is tested in plain Node.
 */

/**
 * Format characters (`\p{Cf}`: bidi embeddings, overrides, isolates and marks, zero-width spaces, the BOM, tag
 * characters, invisible operators) and the blank fillers that render as nothing.
 */
// Alternatives, not a class: some of these combine with what precedes them.
const INVISIBLE = /\p{Cf}|\u115F|\u1160|\u180B|\u180C|\u180D|\u3164|\uFFA0/u;
/** C0 controls other than tab and newline, DEL, C1 controls, and lone surrogates. */
// eslint-disable-next-line no-control-regex -- finding control characters is the point
const CONTROL = /[\u0000-\u0008\u000B-\u001F\u007F-\u009F]|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;
const ANY = new RegExp(`${INVISIBLE.source}|${CONTROL.source}`, 'u');
const ALL = new RegExp(`${INVISIBLE.source}|${CONTROL.source}`, 'gu');
/** Joiners shape emoji sequences and Indic and Persian words: kept between two letters or symbols outside ASCII. */
const JOINERS = new Set(['\u200C', '\u200D']);

function replacement(ch: string, offset: number, text: string): string {
  const code = ch.codePointAt(0) ?? 0;
  if (code <= 0x1f) return String.fromCodePoint(0x2400 + code); // ␀ … ␟
  if (code === 0x7f) return '\u2421'; // ␡
  if (code >= 0x80 && code <= 0x9f) return '\uFFFD';
  if (code >= 0xd800 && code <= 0xdfff) return '\uFFFD';
  if (JOINERS.has(ch) && outsideAscii(text, offset - 1, -1) && outsideAscii(text, offset + 1, 1)) return ch;
  return '';
}

function outsideAscii(text: string, at: number, step: 1 | -1): boolean {
  const code = text.charCodeAt(at);
  if (Number.isNaN(code)) return false;
  // Step over the other half of a surrogate pair: an emoji is outside ASCII either way.
  if (step === -1 && code >= 0xdc00 && code <= 0xdfff) return true;
  return code > 0x7f && !JOINERS.has(text[at] as string) && !/\s/.test(text[at] as string);
}

/** Agent text as it really reads: no reordering or hidden characters; control characters made visible. */
export function plainText(text: string): string {
  if (!ANY.test(text)) return text;
  return text.replace(ALL, replacement);
}

/** For notification messages (which turn `[x](command:y)` into a link that runs `y`). */
export function notificationText(text: string): string {
  return plainText(text).replace(/\]\(/g, '] (');
}

/** For APIs that render `$(name)` as an icon: the status bar, quick pick labels, descriptions and details. */
export function iconSafeText(text: string): string {
  return plainText(text).replace(/\$\(/g, '\\$(');
}

/** CommonMark lets a backslash escape any ASCII punctuation: links, emphasis, HTML and `$(icon)` syntax all become text. */
export function markdownText(text: string): string {
  return plainText(text).replace(/[!-/:-@[-`{-~]/g, '\\$&');
}

/** Every string in a value (arrays and plain objects, to any depth) through `plainText`; other values as they are. */
export function plainData<T>(value: T): T {
  if (typeof value === 'string') return plainText(value) as T;
  if (Array.isArray(value)) return value.map((v: unknown) => plainData(v)) as T;
  if (value !== null && typeof value === 'object') {
    const out: Record<string, unknown> = {};
    // defineProperty: a key such as `__proto__` stays a key and does not become the object's prototype.
    for (const [key, v] of Object.entries(value)) Object.defineProperty(out, plainText(key), { value: plainData(v), enumerable: true, writable: true, configurable: true });
    return out as T;
  }
  return value;
}
