import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import { taskTooltip, taskTreeItem } from '../../../extension/src/views/nodes/taskNode.js';
import { useDaemonUnderTest, waitInSync } from './support/extensionUnderTest.js';
import { pollUntil } from '../../support/poll.js';
import { makeStuck, SEED } from './support/seed.js';
import { find, readTree, type Row } from './support/treeSnapshot.js';

const HOSTILE = '<img src=x onerror=alert(1)> [x](command:agentTracker.stopDaemon) $(alert) **bold** `tick`';

suite('What needs the user, live agents, untrusted text', function () {
  this.timeout(60_000);

  const ctx = useDaemonUnderTest(async (daemon) => {
    await daemon.heartbeat(SEED.agentBusy, 'Busy Agent');
    await makeStuck(daemon, 'a-stuck', 'Hangs forever');
  });

  test('the container badge counts the stuck task, and clears once it is reset', async () => {
    const badge = await pollUntil('the badge', () => ctx.api.badge());
    assert.equal(badge.value, 1);
    assert.match(badge.tooltip, /1 stuck/);
    await vscode.commands.executeCommand('agentTracker.resetStuckTask', 'a-stuck', { to: 'pending', reason: 'test' });
    await pollUntil('the badge to clear', () => ctx.api.badge() === undefined || undefined);
  });

  test('a session paused on a permission prompt is in Needs you, in the badge, and notified naming the agent and what it waits for', async () => {
    await vscode.workspace.getConfiguration('agentTracker').update('notifications', 'all', vscode.ConfigurationTarget.Global);
    const shown: { message: string; actions: string[] }[] = [];
    const subscription = ctx.api.onDidShowNotification((n) => shown.push(n));
    try {
      await ctx.daemon.createTask({ id: 'asks', title: 'Clean the build', state: 'active', agentId: SEED.agentBusy });
      await ctx.daemon.transition('asks', 'paused', { needsInput: { kind: 'permission', message: 'Bash(rm -rf build)' } });
      const rows = await pollUntil('the Needs you group', async () => {
        const tree = await readTree(ctx.api.providers.tasks);
        return tree[0]?.label === 'Needs you' ? tree : undefined;
      });
      const row = (rows[0] as Row).children.find((r) => r.label === 'Clean the build') as Row;
      assert.match(row.description, /^waiting for permission: Bash\(rm -rf build\)/);
      assert.match(row.contextValue, /\.needs$/);
      assert.equal(ctx.api.badge()?.value, 1);
      const note = await pollUntil('the needs-you notification', () => shown.find((n) => n.message.includes('Clean the build')));
      assert.equal(note.message, 'Busy Agent is waiting for permission: Bash(rm -rf build) ("Clean the build")');
      assert.ok(note.actions.includes('Show'));
      await ctx.daemon.transition('asks', 'active');
      await pollUntil('Needs you gone', async () => ((await readTree(ctx.api.providers.tasks, undefined, 1)).some((r) => r.label === 'Needs you') ? undefined : true));
      assert.ok(!ctx.api.notifier.openTaskIds.includes('asks'), 'the notification is withdrawn');
    } finally {
      subscription.dispose();
    }
  });

  test('an agent that starts work shows busy, with its step, and stops showing busy when the work ends', async () => {
    await ctx.daemon.heartbeat('live-agent', 'Live Agent');
    const row = async (): Promise<Row | undefined> => find(await readTree(ctx.api.providers.agents, undefined, 1), 'Live Agent');
    await pollUntil('the agent idle', async () => ((await row())?.description.startsWith('idle') ? true : undefined));
    await ctx.daemon.createTask({ id: 'live-work', title: 'Live work', state: 'active', agentId: 'live-agent' });
    await ctx.daemon.ok(await ctx.daemon.post('/v1/events', [{ op: 'progress', taskId: 'live-work', progress: 10, step: 'Bash: npm test' }]), 'progress');
    const busy = await pollUntil('the agent busy', async () => ((await row())?.description.startsWith('busy') ? row() : undefined), 5_000);
    assert.match(busy?.description ?? '', /^busy · Bash: npm test/);
    assert.equal(busy?.contextValue, 'agent.busy');
    await ctx.daemon.transition('live-work', 'done');
    await pollUntil('the agent idle again', async () => ((await row())?.description.startsWith('idle') ? true : undefined), 5_000);
  });

  test('an agent row names its folder once: beside the name only when the name does not already say it', async () => {
    const heartbeat = async (id: string, name: string, cwd: string): Promise<void> =>
      void ctx.daemon.ok(await ctx.daemon.post(`/v1/agents/${id}/heartbeat`, { name, meta: { kind: 'claude-code', cwd } }), 'heartbeat');
    await heartbeat('folder-named', 'Claude Code · shop-api', '/work/shop-api');
    await heartbeat('folder-unnamed', 'Shop Builder', '/work/shop-api');
    const rows = await pollUntil('both agent rows', async () => {
      const tree = await readTree(ctx.api.providers.agents, undefined, 1);
      return find(tree, 'Claude Code · shop-api') && find(tree, 'Shop Builder') ? tree : undefined;
    });
    const named = find(rows, 'Claude Code · shop-api') as Row;
    assert.doesNotMatch(named.description, /shop-api/, `"${named.description}" names the folder again`);
    assert.match((find(rows, 'Shop Builder') as Row).description, /^idle · shop-api\b/);
  });

  test('a blocked task names its blocker by title; identical titles are told apart', async () => {
    await ctx.daemon.createTask({ id: 'b-first', title: 'Design the API' });
    await ctx.daemon.createTask({ id: 'b-second', title: 'Build the API', dependsOn: ['b-first'] });
    await ctx.daemon.createTask({ id: 'twin-one', title: 'Nightly build' });
    await ctx.daemon.createTask({ id: 'twin-two', title: 'Nightly build' });
    await waitInSync(ctx.api, ctx.daemon);
    const twinsOf = (tree: Row[]): Row[] => (tree.find((r) => r.label === 'Pending')?.children ?? []).filter((r) => r.label === 'Nightly build');
    // The view redraws at its own pace after the model has the tasks: wait for every row this test reads.
    const rows = await pollUntil('the rows', async () => {
      const tree = await readTree(ctx.api.providers.tasks);
      return find(tree, 'Build the API') && twinsOf(tree).length === 2 ? tree : undefined;
    });
    assert.match((find(rows, 'Build the API') as Row).description, /^blocked by "Design the API"/);
    const twins = twinsOf(rows);
    assert.equal(twins.length, 2);
    assert.notEqual(twins[0]?.description, twins[1]?.description, 'the two rows read differently');
  });

  test('hostile agent text is text: escaped in tooltips, never a trusted link, shortened in rows and tabs', async () => {
    const message = `${HOSTILE} ${'y'.repeat(60_000)}`;
    await ctx.daemon.createTask({ id: 'hostile', title: `${HOSTILE} ${'z'.repeat(300)}`, state: 'active', agentId: SEED.agentBusy });
    await ctx.daemon.ok(await ctx.daemon.post('/v1/events', [{ op: 'progress', taskId: 'hostile', progress: 5, step: HOSTILE }]), 'progress');
    await ctx.daemon.transition('hostile', 'failed', { error: message });
    await waitInSync(ctx.api, ctx.daemon);
    const task = await pollUntil('the hostile task', () => ctx.api.history.getTask('hostile') ?? ctx.api.model.getTask('hostile'));
    // Titles of 100 KB never reach the daemon (it refuses over 500 characters), but rows must hold whatever they get.
    for (const title of [task.title, `${HOSTILE}${'x'.repeat(100_000)}`]) {
      const rowContext = {
        view: 'tasks' as const, hasChildren: false, blockerTitles: [HOSTILE], dependencies: [{ title: HOSTILE, done: false }], parentTitle: HOSTILE,
        agentName: HOSTILE, twin: false, possiblyStuck: false, now: Date.now(), stuckAfterSeconds: 0, rollup: null,
      };
      const item = taskTreeItem({ ...task, title }, rowContext);
      // Built when the row is hovered (resolveTreeItem).
      const tooltip = taskTooltip({ ...task, title }, rowContext);
      assert.equal(tooltip.isTrusted, false);
      assert.equal(tooltip.supportHtml, false);
      assert.ok(!tooltip.value.includes('[x](command:'), 'no live link');
      assert.doesNotMatch(tooltip.value, /(^|[^\\])<img/, 'no raw HTML');
      assert.ok(!tooltip.value.includes('$(alert)'), 'no icon syntax from agent text');
      assert.ok(tooltip.value.length < 5_000, `tooltip of ${tooltip.value.length} characters`);
      assert.ok((typeof item.label === 'string' ? item.label : (item.label?.label ?? '')).length <= 200);
      assert.ok(String(item.description).length <= 400);
    }
    const page = await vscode.commands.executeCommand<{ panel: vscode.WebviewPanel }>('agentTracker.showTaskDetails', 'hostile');
    assert.ok(page.panel.title.length <= 60);
    assert.ok(!page.panel.webview.html.includes('onerror'), 'agent text never goes into the page HTML');
    assert.match(page.panel.webview.html, /default-src 'none'/);
    assert.match(page.panel.webview.html, /script-src 'nonce-/);
    page.panel.dispose();
  });

  test('Timeline and Dashboard open from the palette, follow the model and show the agents', async () => {
    type Panel<V> = { view: V | undefined; panel: vscode.WebviewPanel };
    type Timeline = { zoom: string; from: number; to: number; now: number; lanes: { name: string; bars: { title: string; start: number }[] }[] };
    const timeline = await vscode.commands.executeCommand<Panel<Timeline>>('agentTracker.showTimeline');
    const lanes = await pollUntil('the timeline', () => timeline.view?.lanes);
    const busy = lanes.find((l) => l.name === 'Busy Agent');
    assert.ok(busy, 'a lane for the seeded agent');
    // Fitted to the work, not a fixed six hours: the window starts just before the first bar and ends just after now.
    const view = timeline.view as Timeline;
    assert.equal(view.zoom, 'fit');
    const first = Math.min(...view.lanes.flatMap((l) => l.bars.map((b) => b.start)));
    assert.ok(view.from <= first && view.now - view.from <= Math.max(15 * 60_000, view.now - first) * 1.05, `window from ${view.from}, first bar ${first}`);
    assert.ok(view.to > view.now);
    assert.match(timeline.panel.webview.html, /script-src 'nonce-/);
    await ctx.daemon.createTask({ id: 'tl-new', title: 'Shows up on the timeline', state: 'active', agentId: SEED.agentBusy });
    await pollUntil('the new bar', () => timeline.view?.lanes.find((l) => l.name === 'Busy Agent')?.bars.some((b) => b.title === 'Shows up on the timeline') || undefined);
    // A stuck task (active, its lease expired) is counted once, as stuck, on the dashboard as in the status bar.
    await makeStuck(ctx.daemon, 'dash-stuck', 'Hangs on the dashboard');
    type Counts = { active: number; stuck: number; needs: number };
    const dashboard = await vscode.commands.executeCommand<Panel<{ counts: Counts; byState: { kind: string; value: number }[] }>>('agentTracker.showDashboard');
    const shown = await pollUntil('the stuck task on the dashboard and in the status bar', () => {
      const counts = dashboard.view?.counts;
      return counts && counts.stuck > 0 && /\d+ stuck/.test(ctx.api.statusBarText()) ? { counts, bar: ctx.api.statusBarText() } : undefined;
    });
    const said = (word: string): number => Number(new RegExp(`(\\d+) ${word}`).exec(shown.bar)?.[1] ?? 0);
    assert.deepEqual({ active: shown.counts.active, stuck: shown.counts.stuck, needs: shown.counts.needs }, { active: said('active'), stuck: said('stuck'), needs: said('needs? you') }, shown.bar);
    assert.equal(dashboard.view?.byState.find((b) => b.kind === 'stuck')?.value, shown.counts.stuck);
    timeline.panel.dispose();
    dashboard.panel.dispose();
  });
});
