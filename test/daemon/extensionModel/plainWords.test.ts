import * as assert from 'node:assert/strict';
import { parentPidOfStat, ancestorsOf } from '../../../extension/src/common/processTree.js';
import { blockedByText, counted, needsInputText, oneLine, shortTag, stuckReasonText } from '../../../extension/src/model/plainWords.js';
import type { TrackerEvent } from '../../../extension/src/model/protocol.js';
import { taskPageView, type TaskPageSources } from '../../../extension/src/model/taskPageView.js';
import { StuckReason } from '../../../daemon/src/protocol/schemas.js';
import { AgentTree } from '../../../extension/src/model/agentTree.js';
import { agent, connectedModel, noAgents, task } from './fixtures.js';

describe('Extension model: plain words', () => {
  it('says every stuck reason in words, never the code', () => {
    for (const reason of [...StuckReason.options, 'process_exited']) {
      const text = stuckReasonText(reason);
      assert.doesNotMatch(text, /_/, reason);
    }
    assert.equal(stuckReasonText('lease_expired'), 'lease expired');
  });

  it('names what an agent waits for, and blockers by title', () => {
    assert.equal(needsInputText({ since: '', kind: 'permission', message: 'Bash(rm -rf build)' }), 'waiting for permission: Bash(rm -rf build)');
    assert.equal(needsInputText({ since: '', kind: 'question', message: '' }), 'waiting for an answer');
    assert.equal(blockedByText(['Design', 'Build', 'Test']), 'blocked by "Design", "Build" and 1 more');
  });

  it('counts in words a screen reader reads right: "1 task", "2 tasks"', () => {
    assert.equal(counted(1, 'task'), '1 task');
    assert.equal(counted(2, 'task'), '2 tasks');
    assert.equal(counted(0, 'ended session'), '0 ended sessions');
    assert.equal(counted(2400, 'task'), '2,400 tasks');
  });

  it('tags twins with a short id that reads as one, never a piece of a word', () => {
    assert.equal(shortTag('tests'), '#tests');
    assert.equal(shortTag('fix-the-failing-tests'), '#tests');
    assert.equal(shortTag('build-the-parser-2'), '#2');
    assert.equal(shortTag('task_01HZX3K9Q8M2N4P6R7S8T9V0WX'), '#v0wx');
    assert.equal(shortTag('claude-code:5f0c1e9a-3b7d-4c2e-9f1a-8d6b2c4e7a90:0b1c2d3e-4f5a-6b7c-8d9e-0f1a2b3c4d5e'), '#4d5e');
  });

  it('keeps a 100 KB title to one short line', () => {
    const line = oneLine(`${'x'.repeat(100_000)}\n<img src=x onerror=alert(1)>`, 200);
    assert.equal(line.length, 200);
    assert.doesNotMatch(line, /\n/);
  });
});

describe('Extension model: the task page', () => {
  it('names dependencies and subtasks by title, offers the actions that apply, and warns about run tasks', () => {
    const dep = task('dep', { title: 'Design the grammar', state: 'active' });
    const sub = task('sub', { title: 'Unit tests', parentId: 'main' });
    const main = task('main', { title: 'Write the docs', state: 'failed', dependsOn: [{ taskId: 'dep', state: 'done' }], triggerSource: 'agent-tracker run', agentId: 'x' });
    const tasks = new Map([dep, sub, main].map((t) => [t.id, t]));
    const view = taskPageView(
      main,
      { task: (id) => tasks.get(id), agent: () => agent('x', { name: 'Builder' }), agents: noAgents(), subtasksOf: () => [sub], dependentsOf: () => [] },
      [{ seq: 1, id: 'e', at: '2026-01-01T10:00:00.000Z', type: 'task.log', taskId: 'main', actor: 'agent:x', data: { message: 'compiled', level: 'info' } }],
    );
    assert.deepEqual(view.dependencies.map((d) => [d.title, d.done]), [['Design the grammar', false]]);
    assert.deepEqual(view.subtasks.map((s) => s.title), ['Unit tests']);
    assert.deepEqual(view.actions, ['retry', 'replay']);
    assert.match(view.retryNote ?? '', /agent-tracker run/);
    assert.equal(view.agent?.name, 'Builder');
    assert.deepEqual(view.logs.map((l) => l.message), ['compiled']);
  });

  it('names the agent\'s kind only where its name does not already say it', () => {
    const turn = task('turn', { title: 'Fix it', state: 'active', agentId: 'claude-code:s1' });
    const page = (name: string) =>
      taskPageView(turn, { task: () => turn, agent: () => agent('claude-code:s1', { name, meta: { kind: 'claude-code' } }), agents: noAgents(), subtasksOf: () => [], dependentsOf: () => [] }, []).agent;
    assert.equal(page('Claude Code · shop-api')?.kind, undefined);
    assert.equal(page('reviewer')?.kind, 'Claude Code');
  });
});

describe('Extension model: the task page, round 3', () => {
  const ISO = /\d{4}-\d\d-\d\dT\d\d:/;

  it('lists what the task blocks beside what it depends on, each saying whether it still waits', () => {
    const design = task('design', { title: 'Design', state: 'active', agentId: 'x' });
    const build = task('build', { title: 'Build', dependsOn: [{ taskId: 'design', state: 'done' }] });
    const docs = task('docs', { title: 'Docs', state: 'active', dependsOn: [{ taskId: 'design', state: 'done' }] });
    const tasks = new Map([design, build, docs].map((t) => [t.id, t]));
    const src = { task: (id: string) => tasks.get(id), agent: () => undefined, agents: noAgents(), subtasksOf: () => [], dependentsOf: () => [build, docs] };
    const view = taskPageView(design, src, []);
    assert.deepEqual(view.blocks.map((b) => [b.title, b.waiting]), [['Build', true], ['Docs', false]]);
    const done = taskPageView({ ...design, state: 'done' }, src, []);
    assert.deepEqual(done.blocks.map((b) => b.waiting), [false, false], 'done: nothing waits for it any more');
  });

  it('offers Focus Terminal whenever the agent runs in a terminal here, not only while it waits', () => {
    const running = task('r', { state: 'active', agentId: 'x' });
    const src = { task: () => undefined, agent: () => undefined, agents: noAgents(), subtasksOf: () => [], dependentsOf: () => [] };
    assert.ok(taskPageView(running, { ...src, inTerminal: () => true }, []).actions.includes('focusTerminal'));
    assert.ok(!taskPageView(running, { ...src, inTerminal: () => false }, []).actions.includes('focusTerminal'));
    const waiting = task('w', { state: 'paused', agentId: 'x', needsInput: { since: '2026-01-01T10:00:00.000Z', kind: 'question', message: 'Which?' } });
    assert.ok(!taskPageView(waiting, src, []).actions.includes('focusTerminal'), 'no terminal here (the web board): no button');
  });

  it('says every time in local time, the stuck banner and the log included; a parent shows its subtasks’ progress', () => {
    const stuck = task('s', {
      state: 'active',
      agentId: 'x',
      startedAt: '2026-01-01T10:00:01.000Z',
      stuck: { since: '2026-01-01T10:05:00.000Z', reason: 'lease_expired' },
      lastError: { at: '2026-01-01T10:04:00.000Z', message: 'boom' },
    });
    const subs = [task('a', { state: 'done', parentId: 's' }), task('b', { state: 'active', progress: 20, parentId: 's' })];
    const log = { seq: 1, id: 'e', at: '2026-01-01T10:00:02.000Z', type: 'task.log' as const, taskId: 's', actor: 'agent:x', data: { message: 'compiled', level: 'info' as const } };
    const view = taskPageView(stuck, { task: () => undefined, agent: () => undefined, agents: noAgents(), subtasksOf: () => subs, dependentsOf: () => [] }, [log]);
    const texts = [...view.attention, ...view.facts.map(([, v]) => v), view.lastError?.at ?? '', ...view.logs.map((l) => l.at)];
    for (const text of texts) assert.doesNotMatch(text, ISO, text);
    assert.ok(view.attention.some((a) => a.includes(new Date('2026-01-01T10:05:00.000Z').toLocaleString())));
    assert.equal(view.rollup?.text, '60% · 1 of 2 subtasks done');
  });
});

describe('Extension model: a turn’s files and transcript on its page', () => {
  it('lists each changed file once, relative to the agent’s folder (either separator), and the transcript path', () => {
    const turn = task('t', { agentId: 'x', input: { prompt: 'Go', transcriptPath: '/h/.claude/s.jsonl' } });
    const log = (seq: number, files: string[]): TrackerEvent => ({ seq, id: `e${seq}`, at: '2026-01-01T10:00:00.000Z', type: 'task.log', taskId: 't', actor: 'agent:x', data: { message: 'Edit', level: 'info', files } });
    const src = (cwd: string): TaskPageSources => ({ task: () => undefined, agent: () => agent('x', { meta: { cwd } }), agents: noAgents(), subtasksOf: () => [], dependentsOf: () => [] });
    const view = taskPageView(turn, src('/w/app/'), [log(1, ['/w/app/src/a.ts', '/w/app/b.ts']), log(2, ['/w/app/src/a.ts', '/w/application/c.ts'])]);
    assert.deepEqual(view.files.map((f) => f.label), ['src/a.ts', 'b.ts', '/w/application/c.ts']);
    assert.equal(view.transcript, '/h/.claude/s.jsonl');
    const windows = taskPageView(turn, src('C:\\w\\app'), [log(1, ['C:\\w\\app\\src\\a.ts'])]);
    assert.deepEqual(windows.files.map((f) => f.label), ['src\\a.ts']);
    assert.equal(taskPageView(task('u'), src('/w'), []).transcript, null);
  });
});

describe('Extension model: the task page and the rows agree on what blocks', () => {
  it('counts a dependency this window does not hold as open only when the daemon says the task is blocked', () => {
    const src = { task: () => undefined, agent: () => undefined, agents: noAgents(), subtasksOf: () => [], dependentsOf: () => [] };
    const dependsOn = [{ taskId: 'elsewhere', state: 'done' as const }];
    const free = taskPageView(task('a', { dependsOn, blocked: false }), src, []);
    assert.deepEqual(free.dependencies.map((d) => d.done), [true]);
    assert.ok(!free.attention.some((line) => line.startsWith('Blocked by')));
    const held = taskPageView(task('b', { dependsOn, blocked: true }), src, []);
    assert.deepEqual(held.dependencies.map((d) => d.done), [false]);
    assert.ok(held.attention.includes('Blocked by a task not known here'));
  });
});

describe('Extension: process ancestry for terminals', () => {
  it('reads the parent pid even when the command name holds spaces and parentheses', () => {
    assert.equal(parentPidOfStat('4242 (my (weird) cmd) S 77 4242 77 0 -1'), 77);
    assert.equal(parentPidOfStat('garbage'), undefined);
  });

  it('follows the chain up to init, and finds this process among the ancestors of its child', async () => {
    const stats: Record<number, string> = { 30: '30 (claude) S 20 0', 20: '20 (bash) S 10 0', 10: '10 (code) S 1 0' };
    assert.deepEqual(await ancestorsOf(30, async (pid) => stats[pid]), [20, 10, 1]);
    if (process.platform === 'linux') assert.ok((await ancestorsOf(process.pid)).includes(process.ppid));
  });
});

describe('Extension model: the task page says what the Agents view says', () => {
  it('gives the agent the status word of its row there: "needs you" while one of its tasks waits for the user', () => {
    const asks = task('asks', { state: 'paused', agentId: 'x', needsInput: { since: '2026-01-01T10:00:00.000Z', kind: 'permission', message: 'Bash(ls)' } });
    const model = connectedModel([asks], [agent('x', { status: 'online' })]);
    const tree = new AgentTree(model);
    const src: TaskPageSources = { task: (id) => model.getTask(id), agent: (id) => model.getAgent(id), agents: tree, subtasksOf: () => [], dependentsOf: () => [] };
    assert.equal(tree.rowStatusOf('x'), 'needs you');
    assert.equal(taskPageView(asks, src, []).agent?.status, 'needs you');
    model.setConnection({ kind: 'disconnected', reason: 'ECONNREFUSED' });
    assert.equal(taskPageView(asks, src, []).agent?.status, 'offline', 'as the row says while the daemon is unreachable');
  });

  it('names the agent kind that started a turn as the rest of the UI does; other starters as they are', () => {
    const startedBy = (triggerSource: string): string | undefined =>
      taskPageView(task('t', { triggerSource }), { task: () => undefined, agent: () => undefined, agents: noAgents(), subtasksOf: () => [], dependentsOf: () => [] }, []).facts.find(([k]) => k === 'Started by')?.[1];
    assert.equal(startedBy('claude-code'), 'Claude Code');
    assert.equal(startedBy('gemini-cli'), 'Gemini CLI');
    assert.equal(startedBy('agent-tracker run'), 'agent-tracker run');
    assert.equal(startedBy('cli'), 'cli');
  });
});
