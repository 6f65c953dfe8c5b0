import * as assert from 'node:assert/strict';
import { agentPickText, taskPickText, valuePickText } from '../../../extension/src/model/pickItems.js';
import { iconSafeText, markdownText, notificationText, plainData, plainText } from '../../../extension/src/model/plainText.js';
import { agentLabel, folderName, oneLine } from '../../../extension/src/model/plainWords.js';
import { taskPageView } from '../../../extension/src/model/taskPageView.js';
import { agent, noAgents, task } from './fixtures.js';

/** VS Code's own pattern for links in notification messages (vs/base/common/linkedText.ts), copied as the oracle. */
const NOTIFICATION_LINK = /\[([^\]]+)\]\(((?:https?:\/\/|command:|file:)[^)\s]+)(?: (["'])(.+?)(\3))?\)/gi;
/** VS Code's pattern for `$(icon)` in labels (vs/base/browser/ui/iconLabel/iconLabels.ts): a backslash escapes it. */
const ICON = /(\\)?\$\(([a-z0-9-]+(?:~[a-z0-9-]+)?)\)/gi;
const BIDI_OR_INVISIBLE = /[\u061C\u200B\u200E\u200F\u202A-\u202E\u2060-\u2064\u2066-\u2069\uFEFF\u{E0000}-\u{E007F}]/u;

const HOSTILE_LINK = 'see [the build log](command:workbench.action.openSettings) or [docs](https://evil.example/x "t")';

describe('Extension model: agent text is plain text', () => {
  it('removes bidirectional controls: "\\u202Egnp.exe" reads as what it is', () => {
    assert.equal(plainText('\u202Egnp.exe'), 'gnp.exe');
    assert.equal(plainText('a\u2066b\u2069c\u200Fd\u061Ce'), 'abcde');
    assert.equal(oneLine('report\u202E\u2066fdp.exe'), 'reportfdp.exe');
  });

  it('removes invisible format characters, keeps joiners inside emoji and scripts that need them', () => {
    assert.equal(plainText('ad\u200Bmin\uFEFF\u2060\u00AD'), 'admin');
    assert.equal(plainText('tag\u{E0041}\u{E0042}s'), 'tags', 'tag characters smuggle hidden text');
    const family = '\u{1F468}\u200D\u{1F469}\u200D\u{1F467}';
    assert.equal(plainText(family), family);
    assert.equal(plainText('\u0645\u06CC\u200C\u062E\u0648\u0627\u0647\u0645'), '\u0645\u06CC\u200C\u062E\u0648\u0627\u0647\u0645');
    assert.equal(plainText('pay\u200Dpal'), 'paypal', 'a joiner between ASCII letters only hides');
  });

  it('shows control characters instead of acting on them, and mends broken surrogates', () => {
    assert.equal(plainText('a\u0000b\u001b[31mc\u007f'), 'a\u2400b\u241B[31mc\u2421');
    assert.equal(plainText('tab\tand\nnewline'), 'tab\tand\nnewline');
    assert.equal(plainText('x\uD800y'), 'x\uFFFDy');
    assert.equal(plainText('\u{1F600}'), '\u{1F600}');
  });

  it('leaves ordinary text as it is (the same string)', () => {
    const text = 'Build the parser: Bash(rm -rf build && npm run build) — café 東京';
    assert.equal(plainText(text), text);
  });

  it('keeps a shortened line from ending in half a surrogate pair', () => {
    const line = oneLine(`${'x'.repeat(8)}\u{1F600}tail`, 10);
    assert.equal(line, 'xxxxxxxx…');
  });

  it('notifications: no `[label](command:…)` link survives, the words stay', () => {
    const text = notificationText(HOSTILE_LINK);
    assert.equal([...text.matchAll(NOTIFICATION_LINK)].length, 0, text);
    assert.match(text, /the build log/);
    assert.match(text, /command:workbench\.action\.openSettings/);
    assert.equal(notificationText('\u202Egnp.exe failed'), 'gnp.exe failed');
  });

  it('status bar and quick picks: `$(icon)` shows as text', () => {
    const text = iconSafeText('$(zap) urgent $(loading~spin)');
    assert.deepEqual([...text.matchAll(ICON)].map((m) => m[1]), ['\\', '\\'], 'every icon escaped');
  });

  it('markdown: links, emphasis, HTML and icons are escaped; bidi removed', () => {
    const text = markdownText(`**bold** <img src=x> $(zap) ${HOSTILE_LINK}\u202E`);
    assert.doesNotMatch(text, /(^|[^\\])\[/);
    assert.doesNotMatch(text, /(^|[^\\])</);
    assert.doesNotMatch(text, /(^|[^\\])\*/);
    assert.doesNotMatch(text, BIDI_OR_INVISIBLE);
  });

  it('webview data: every string at any depth, keys too, and `__proto__` stays a key', () => {
    const data = plainData(<unknown>JSON.parse('{"a":["\\u202Ex",{"b":"y\\u200Bz"}],"__proto__":{"polluted":"\\u2066"},"n":3,"z":null}'));
    assert.equal(JSON.stringify(data), '{"a":["x",{"b":"yz"}],"__proto__":{"polluted":""},"n":3,"z":null}');
    assert.equal(Object.getPrototypeOf(data), Object.prototype);
    assert.equal(({} as Record<string, unknown>)['polluted'], undefined);
  });

  it('names, folders and quick pick rows go through the sanitiser', () => {
    const evil = agent('ag\u202Eent', { name: '$(zap) \u202Eredli\u200Bug' });
    assert.equal(agentLabel(evil.id, () => evil), '$(zap) redliug');
    assert.equal(folderName('/home/u/\u202Eevil'), 'evil');
    const pick = taskPickText(task('t', { title: '$(check) \u202Egnp.exe', state: 'failed' }), '$(bell) builder', Date.now());
    assert.equal(pick.label, '\\$(check) gnp.exe');
    assert.match(pick.description ?? '', /\\\$\(bell\) builder/);
    assert.equal(agentPickText(evil).label, '\\$(zap) redliug');
    assert.equal(valuePickText('$(tag)').label, '\\$(tag)');
  });

  it('the task page view carries hostile text as data; the page panel sends it through plainData', () => {
    const t = task('t', { title: '\u202Egnp.exe', lastError: { at: '2026-01-01T00:00:00.000Z', message: HOSTILE_LINK } });
    const view = plainData(taskPageView(t, { task: () => undefined, agent: () => undefined, agents: noAgents(), subtasksOf: () => [], dependentsOf: () => [] }, []));
    assert.equal(view.title, 'gnp.exe');
    assert.equal(view.lastError?.message, HOSTILE_LINK, 'the page shows it as text, whole');
  });
});
