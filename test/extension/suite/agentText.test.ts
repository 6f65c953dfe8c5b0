/**
 * Agent text is data: a title, an error, a step or a name an agent sends never becomes a link, an icon or reordered
 * text in a notification, a row, a tooltip, a page or a tab.
 */
import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import { captureNotifications, useDaemonUnderTest, waitInSync } from './support/extensionUnderTest.js';
import { pollUntil } from '../../support/poll.js';
import { find, readTree, type Row } from './support/treeSnapshot.js';

/** VS Code's own pattern for links in notification messages (vs/base/common/linkedText.ts). */
const NOTIFICATION_LINK = /\[([^\]]+)\]\(((?:https?:\/\/|command:|file:)[^)\s]+)(?: (["'])(.+?)(\3))?\)/gi;
const BIDI_OR_INVISIBLE = /[\u061C\u200B\u200E\u200F\u202A-\u202E\u2060-\u2064\u2066-\u2069\uFEFF]/;
const LINK = '[the build log](command:workbench.action.openSettings)';

suite('Agent text is data', function () {
  this.timeout(90_000);
  const ctx = useDaemonUnderTest(async (daemon) => {
    await daemon.heartbeat('evil-agent', '$(zap) \u202Eredliub');
  });

  const shown = captureNotifications(ctx, 'all');

  test('a failure notification shows the error link as text, and the title as it reads', async () => {
    await ctx.daemon.createTask({ id: 'rlo', title: '\u202Egnp.exe', state: 'active', agentId: 'evil-agent' });
    await ctx.daemon.transition('rlo', 'failed', { error: `see ${LINK}\u2066 for details` });
    const note = await pollUntil('the failure notification', () => shown.find((n) => n.taskIds.includes('rlo')));
    assert.equal([...note.message.matchAll(NOTIFICATION_LINK)].length, 0, note.message);
    assert.doesNotMatch(note.message, BIDI_OR_INVISIBLE);
    assert.match(note.message, /"gnp\.exe" failed: see \[the build log\] \(command:workbench\.action\.openSettings\) for details/);
  });

  test('a needs-you notification keeps the agent and the prompt as text', async () => {
    await ctx.daemon.createTask({ id: 'asks-evil', title: 'Asks \u200Bnicely', state: 'active', agentId: 'evil-agent' });
    await ctx.daemon.transition('asks-evil', 'paused', { needsInput: { kind: 'permission', message: `Bash(open ${LINK})` } });
    const note = await pollUntil('the needs-you notification', () => shown.find((n) => n.taskIds.includes('asks-evil')));
    assert.equal([...note.message.matchAll(NOTIFICATION_LINK)].length, 0, note.message);
    assert.doesNotMatch(note.message, BIDI_OR_INVISIBLE);
    assert.match(note.message, /^\$\(zap\) redliub is waiting for permission/, 'a notification shows no icons: the name reads as sent');
  });

  test('rows, tooltips and agent rows read as the text is, with nothing live in them', async () => {
    await ctx.daemon.createTask({ id: 'rlo-open', title: 'report\u202E\u2066fdp.exe', state: 'active', agentId: 'evil-agent' });
    await ctx.daemon.ok(await ctx.daemon.post('/v1/events', [{ op: 'progress', taskId: 'rlo-open', progress: 5, step: `read ${LINK}\u200F` }]), 'progress');
    await waitInSync(ctx.api, ctx.daemon);
    const tasks = await pollUntil('the row', async () => {
      const rows = await readTree(ctx.api.providers.tasks);
      return find(rows, 'reportfdp.exe') ? rows : undefined;
    });
    const row = find(tasks, 'reportfdp.exe') as Row;
    assert.doesNotMatch(row.description, BIDI_OR_INVISIBLE);
    assert.match(row.description, /read \[the build log\]\(command:/, 'a row renders no markdown: the text as it is');
    assert.doesNotMatch(row.tooltip, BIDI_OR_INVISIBLE);
    assert.ok(!row.tooltip.includes('](command:'), 'the tooltip escapes the link');
    const agents = await readTree(ctx.api.providers.agents, undefined, 1);
    const agentRow = agents.find((r) => r.label.endsWith('redliub')) as Row;
    assert.equal(agentRow.label, '$(zap) redliub', 'a tree label renders no icons: shown as sent, reordering removed');
    assert.ok(!agentRow.tooltip.includes('$(zap)'), 'the tooltip (which renders icons) escapes them');
  });

  test('the task page gets plain text and its tab title reads as the title does', async () => {
    const page = await vscode.commands.executeCommand<{ panel: vscode.WebviewPanel }>('agentTracker.showTaskDetails', 'rlo-open');
    try {
      assert.equal(page.panel.title, 'reportfdp.exe');
    } finally {
      page.panel.dispose();
    }
    type Panel = { view: { lanes: { name: string; bars: { title: string }[] }[] } | undefined; panel: vscode.WebviewPanel };
    const timeline = await vscode.commands.executeCommand<Panel>('agentTracker.showTimeline');
    try {
      const lanes = await pollUntil('the timeline', () => timeline.view?.lanes.find((l) => l.bars.some((b) => b.title === 'reportfdp.exe')) && timeline.view.lanes);
      assert.doesNotMatch(JSON.stringify(lanes), BIDI_OR_INVISIBLE);
    } finally {
      timeline.panel.dispose();
    }
  });
});
