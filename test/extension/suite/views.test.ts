import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import { useDaemonUnderTest, waitInSync } from './support/extensionUnderTest.js';
import { pollUntil } from '../../support/poll.js';
import { SEED, seedDaemon } from './support/seed.js';
import { find, readTree, type Row } from './support/treeSnapshot.js';

suite('Views against a seeded daemon', function () {
  this.timeout(60_000);

  const ctx = useDaemonUnderTest(seedDaemon);

  test('Tasks: groups in order with their tasks, subtasks under their parent', async () => {
    const rows = await readTree(ctx.api.providers.tasks);
    assert.deepEqual(rows.map((r) => r.label), ['Stuck', 'Active', 'Waiting', 'Pending', 'Backlog']);
    const group = (label: string): Row => rows.find((r) => r.label === label) as Row;
    assert.deepEqual(group('Stuck').children.map((r) => r.label), ['Flaky integration run']);
    assert.deepEqual(group('Active').children.map((r) => r.label).sort(), ['Build the parser', 'Design the grammar']);
    assert.deepEqual(group('Waiting').children.map((r) => r.label), ['Migrate database']);
    assert.deepEqual(group('Pending').children.map((r) => r.label), ['Write the docs']);
    assert.deepEqual(group('Backlog').children.map((r) => r.label), ['Someday: rewrite in Rust']);
    const parent = find(rows, 'Build the parser') as Row;
    assert.deepEqual(parent.children.map((r) => r.label), ['Parser unit tests']);
    assert.equal(group('Active').description, '2', 'a group counts its tasks, as the status bar does');
    await pollUntil('the status bar to agree', () => /2 active/.test(ctx.api.statusBarText()) || undefined, 5_000);
  });

  test('Tasks: rows carry state, progress, step, flags and a tooltip', async () => {
    const rows = await readTree(ctx.api.providers.tasks);
    const active = find(rows, 'Build the parser') as Row;
    assert.match(active.description, /40%/);
    assert.match(active.description, /compiling/);
    assert.equal(active.contextValue, 'task.active');
    assert.match(active.tooltip, /Busy Agent/);
    assert.match(active.description, /Busy Agent/, 'the agent by its name');
    assert.doesNotMatch(active.description, /agent-busy/, 'no raw agent id');
    const stuck = find(rows, 'Flaky integration run') as Row;
    assert.match(stuck.contextValue, /^task\.active\.stuck/);
    assert.equal(stuck.icon, 'warning');
    assert.match(stuck.description, /^lease expired/);
    assert.doesNotMatch(stuck.description, /lease_expired/);
    const blocked = find(rows, 'Write the docs') as Row;
    assert.equal(blocked.contextValue, 'task.pending.blocked');
    assert.match(blocked.description, /blocked by "Design the grammar"/);
    assert.doesNotMatch(blocked.description, new RegExp(SEED.blocker), 'the blocker by its title, not its id');
    assert.match(blocked.tooltip, /Depends on: Design the grammar \\\(waiting/);
  });

  test('Agents: status, active-task count and their open tasks', async () => {
    const rows = await readTree(ctx.api.providers.agents);
    assert.deepEqual(rows.map((r) => r.label), ['Busy Agent', 'Idle Agent']);
    const busy = rows[0] as Row;
    // Status, current step, active count; "seen" only once it is old.
    assert.equal(busy.description, `busy · compiling · ${ctx.api.agentTree.activeTaskCount(SEED.agentBusy)} active tasks`);
    assert.equal(busy.contextValue, 'agent.busy');
    assert.deepEqual(busy.children.map((r) => r.label).sort(), ['Build the parser', 'Design the grammar', 'Flaky integration run']);
    const idle = rows[1] as Row;
    assert.deepEqual(idle.children.map((r) => r.label), ['Migrate database']);
    assert.equal(idle.contextValue, 'agent.online', 'its only task is paused: online, not busy');
  });

  test('History: finished tasks by day, newest first, with state and duration', async () => {
    const rows = await pollUntil('the history to load', async () => {
      const tree = await readTree(ctx.api.providers.history);
      return tree.length && tree[0]?.children.length === 3 ? tree : undefined;
    });
    assert.equal(rows[0]?.label, 'Today');
    assert.deepEqual(rows[0]?.children.map((r) => r.label), ['Old experiment', 'Set up CI', 'Deploy preview']);
    const failed = find(rows, 'Deploy preview') as Row;
    assert.equal(failed.contextValue, 'task.failed');
    assert.match(failed.tooltip, /exit code 2/);
    const done = find(rows, 'Set up CI') as Row;
    assert.match(done.description, /^\d+(ms| ms|s) · Idle Agent · /, 'duration, agent and time');
    assert.doesNotMatch(done.description, /done/, 'the icon shows the state; the text does not repeat it');
  });

  test('History pages with a Load more row', async () => {
    for (let i = 0; i < 55; i += 1) {
      const id = `page-${i}`;
      await ctx.daemon.createTask({ id, title: `Paged ${i}` });
      await ctx.daemon.transition(id, 'cancelled');
    }
    await waitInSync(ctx.api, ctx.daemon);
    await vscode.commands.executeCommand('agentTracker.refresh');
    const rows = await pollUntil('a Load more row', async () => {
      const tree = await readTree(ctx.api.providers.history, undefined, 1);
      return tree.some((r) => r.label === 'Load more') ? tree : undefined;
    });
    assert.match((rows.at(-1) as Row).description, /^50 of 58$/);
    await vscode.commands.executeCommand('agentTracker.loadMoreHistory');
    await pollUntil('every page loaded', async () => !(await readTree(ctx.api.providers.history, undefined, 1)).some((r) => r.label === 'Load more') || undefined);
    const today = (await readTree(ctx.api.providers.history, undefined, 4))[0] as Row;
    // A day of 58 is split by outcome, failures first; every task is in one group.
    const outcomes = today.children.map((r) => r.label);
    assert.ok(outcomes.length >= 2, outcomes.join());
    assert.deepEqual(outcomes, ['Failed', 'Cancelled', 'Done'].filter((label) => outcomes.includes(label)));
    assert.ok(today.children.every((r) => r.contextValue === 'historyGroup' && /^\d+ tasks?$/.test(r.description)));
    const tasksIn = (rows: Row[]): number => rows.reduce((n, r) => n + (r.contextValue === 'historyGroup' ? tasksIn(r.children) : 1), 0);
    assert.equal(tasksIn(today.children), 58);
  });

  test('A task created through the API appears in the tree within 1 s', async () => {
    let appeared: number | undefined;
    const subscription = ctx.api.providers.tasks.onDidChangeTreeData(async () => {
      const rows = await readTree(ctx.api.providers.tasks);
      if (appeared === undefined && find(rows, 'Fresh from the API')) appeared = Date.now();
    });
    try {
      const started = Date.now();
      await ctx.daemon.createTask({ id: 'fresh-1', title: 'Fresh from the API' });
      await pollUntil('the new task in the Tasks view', () => appeared || undefined, 2_000);
      assert.ok((appeared as number) - started <= 1000, `took ${(appeared as number) - started} ms`);
    } finally {
      subscription.dispose();
    }
  });

  test('A progress event redraws only that task\'s row', async () => {
    const changes: { all: boolean; groups: string[]; parents: string[]; items: string[] }[] = [];
    const subscription = ctx.api.taskTree.onDidChange((c) => changes.push({ all: c.all, groups: [...c.groups], parents: [...c.parents], items: [...c.items] }));
    const fired: unknown[] = [];
    const firedSub = ctx.api.providers.tasks.onDidChangeTreeData((e) => fired.push(e));
    try {
      await ctx.daemon.ok(await ctx.daemon.post('/v1/events', [{ op: 'progress', taskId: SEED.blocker, progress: 55, step: 'drafting' }]), 'progress');
      await pollUntil('the Tasks view to redraw', () => fired.length > 0 || undefined);
      assert.deepEqual(changes, [{ all: false, groups: [], parents: [], items: [SEED.blocker, SEED.blocked] }]);
      const elements = fired[0] as { taskId?: string }[];
      assert.ok(Array.isArray(elements), 'named elements, not the whole tree');
      // The dependent is named too, but its row reads the same (blocked by the same title): it is not redrawn.
      assert.deepEqual(elements.map((e) => e.taskId), [SEED.blocker]);
    } finally {
      subscription.dispose();
      firedSub.dispose();
    }
  });

  test('A burst of events is coalesced to at most 10 redraws a second', async () => {
    const fired: number[] = [];
    const subscription = ctx.api.providers.tasks.onDidChangeTreeData(() => fired.push(Date.now()));
    try {
      const started = Date.now();
      for (let i = 1; i <= 40; i += 1) {
        await ctx.daemon.ok(await ctx.daemon.post('/v1/events', [{ op: 'progress', taskId: SEED.active, progress: i }]), 'progress');
      }
      await waitInSync(ctx.api, ctx.daemon);
      await pollUntil('the last progress', () => (ctx.api.model.getTask(SEED.active)?.progress === 40 && fired.length > 0) || undefined);
      const seconds = Math.max(0.1, (Date.now() - started) / 1000);
      assert.ok(fired.length <= Math.ceil(seconds * 10) + 1, `${fired.length} redraws in ${seconds.toFixed(2)} s`);
      for (let i = 1; i < fired.length; i += 1) assert.ok((fired[i] as number) - (fired[i - 1] as number) >= 95, 'redraws at least 100 ms apart');
    } finally {
      subscription.dispose();
    }
  });

  test('Status bar shows active and stuck counts', async () => {
    await pollUntil('the status bar counts', () => (/2 active/.test(ctx.api.statusBarText()) && /1 stuck/.test(ctx.api.statusBarText())) || undefined, 5_000);
  });

  test('An active task silent for longer than stuckAfterSeconds shows as possibly stuck', async () => {
    const config = vscode.workspace.getConfiguration('agentTracker');
    await ctx.daemon.createTask({ id: 'silent', title: 'Silent worker', state: 'active', agentId: SEED.agentIdle });
    await waitInSync(ctx.api, ctx.daemon);
    await pollUntil('the task to be silent for a while', () => Date.now() - Date.parse(ctx.api.model.getTask('silent')?.updatedAt ?? '') > 1500 || undefined, 5_000, 100);
    await config.update('stuckAfterSeconds', 1, vscode.ConfigurationTarget.Global);
    try {
      await pollUntil('the silent task in Stuck', () => ctx.api.taskTree.groupOf('silent') === 'stuck' || undefined);
      const row = find(await readTree(ctx.api.providers.tasks), 'Silent worker') as Row;
      assert.match(row.contextValue, /^task\.active\.stuck/);
      assert.match(row.description, /^silent /);
      assert.match(row.tooltip, /no event for more than 1s/);
    } finally {
      await config.update('stuckAfterSeconds', undefined, vscode.ConfigurationTarget.Global);
    }
    await pollUntil('the task back in Active once the setting is off', () => ctx.api.taskTree.groupOf('silent') === 'active' || undefined);
  });
});
