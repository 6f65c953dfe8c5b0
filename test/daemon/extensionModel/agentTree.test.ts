import * as assert from 'node:assert/strict';
import { AgentTree, folderBesideName } from '../../../extension/src/model/agentTree.js';
import { agent, connectedModel, event, task } from './fixtures.js';

describe('Extension model: the Agents view tree', () => {
  it('shows an agent busy while it has active work and idle once the work ends, as the daemon derives it', () => {
    const model = connectedModel([task('t', { state: 'pending' })], [agent('x', { status: 'idle' })]);
    const tree = new AgentTree(model);
    assert.equal(tree.statusOf('x'), 'idle');
    model.applyEvent(event('task.transitioned', { taskId: 't', data: { from: 'pending', to: 'active', agentId: 'x' } }));
    model.flush();
    assert.equal(model.getTask('t')?.agentId, 'x');
    assert.equal(tree.statusOf('x'), 'busy');
    model.applyEvent(event('task.progress', { taskId: 't', data: { progress: 10, step: 'Bash: npm test' } }));
    model.flush();
    assert.equal(tree.currentStep('x'), 'Bash: npm test');
    model.applyEvent(event('task.transitioned', { taskId: 't', data: { from: 'active', to: 'done' } }));
    model.flush();
    assert.equal(tree.statusOf('x'), 'idle');
  });

  it('shows every agent offline while the daemon is unreachable', () => {
    const model = connectedModel([task('t', { state: 'active', agentId: 'x' })], [agent('x')]);
    const tree = new AgentTree(model);
    const fired: string[][] = [];
    tree.onDidChange((c) => fired.push(c.all ? ['(all)'] : [...c.agents]));
    assert.equal(tree.statusOf('x'), 'busy');
    model.setConnection({ kind: 'disconnected', reason: 'ECONNREFUSED' });
    assert.equal(tree.statusOf('x'), 'offline');
    assert.deepEqual(fired.at(-1), ['(all)'], 'the whole list is redrawn (its order follows the statuses)');
  });

  it('orders needs you, busy, idle, offline, and folds ended sessions per folder after the others', () => {
    const waits = task('w', { state: 'paused', agentId: 'c', needsInput: { since: '2026-01-01T10:00:00.000Z', kind: 'permission', message: 'Bash(ls)' } });
    const model = connectedModel(
      [task('b1', { state: 'active', agentId: 'b' }), waits],
      [
        agent('a', { name: 'A idle' }),
        agent('b', { name: 'B busy' }),
        agent('c', { name: 'C waits' }),
        agent('d', { name: 'D ended', status: 'offline', meta: { workspace: '/w/api' } }),
        agent('e', { name: 'E ended', status: 'offline', meta: { cwd: '/w/api' } }),
      ],
    );
    const tree = new AgentTree(model);
    assert.equal(tree.rowStatusOf('c'), 'needs you');
    assert.deepEqual(tree.waitingAgents(), ['c']);
    assert.deepEqual(tree.entries(), [
      { kind: 'agent', agentId: 'c' },
      { kind: 'agent', agentId: 'b' },
      { kind: 'agent', agentId: 'a' },
      { kind: 'ended', host: '', folder: 'api', agentIds: ['d', 'e'] },
    ]);
  });

  it('keeps each agent status as its tasks change, so ordering the agents reads no task (at 100k tasks a walk took 31 ms)', () => {
    const question = { since: '2026-01-01T10:00:00.000Z', kind: 'permission' as const, message: 'Bash(ls)' };
    const tasks = [
      ...Array.from({ length: 50 }, (_, i) => task(`a${i}`, { state: 'paused', agentId: 'a' })),
      ...Array.from({ length: 50 }, (_, i) => task(`b${i}`, { state: 'review', agentId: 'b' })),
      task('b-run', { state: 'assigned', agentId: 'b' }),
    ];
    const model = connectedModel(tasks, [agent('a', { name: 'A' }), agent('b', { name: 'B' })]);
    const tree = new AgentTree(model);
    assert.deepEqual(tree.roots(), ['b', 'a'], 'busy before online');
    let reads = 0;
    const getTask = model.getTask.bind(model);
    model.getTask = (id: string) => ((reads += 1), getTask(id));
    // A question to the user moves A first; answered, A goes back after the busy B.
    model.applyEvent(event('task.transitioned', { taskId: 'a7', data: { from: 'paused', to: 'paused', needsInput: question } }));
    model.flush();
    const readsByTheChange = reads;
    assert.deepEqual(tree.roots(), ['a', 'b']);
    assert.equal(tree.rowStatusOf('a'), 'needs you');
    assert.equal(reads, readsByTheChange, 'the order is worked out without reading tasks');
    model.applyEvent(event('task.transitioned', { taskId: 'a7', data: { from: 'paused', to: 'active' } }));
    model.applyEvent(event('task.transitioned', { taskId: 'b-run', data: { from: 'assigned', to: 'done' } }));
    model.flush();
    reads = 0;
    assert.deepEqual(tree.roots(), ['a', 'b'], 'A busy, B online');
    assert.equal(tree.statusOf('b'), 'online');
    assert.equal(tree.activeTaskCount('a'), 1);
    assert.equal(reads, 0);
  });

  it('groups agents by host only when there are several hosts', () => {
    const one = new AgentTree(connectedModel([], [agent('a', { meta: { host: 'h1' } }), agent('b', { meta: { host: 'h1' } })]));
    assert.equal(one.hosts(), undefined);
    const model = connectedModel([], [agent('a', { meta: { host: 'h1' } }), agent('b', { meta: { host: 'h2' } }), agent('c')]);
    const two = new AgentTree(model);
    assert.deepEqual(two.hosts(), ['h1', 'h2', '']);
    assert.deepEqual(two.agentsOfHost('h2'), ['b']);
    assert.equal(two.hostOf('c'), '');
  });

  it('names the folder beside an agent only when its name does not already say it', () => {
    assert.equal(folderBesideName(agent('a', { name: 'Claude Code · shop-api', meta: { cwd: '/w/shop-api' } })), undefined);
    assert.equal(folderBesideName(agent('b', { name: 'Claude Code · shop-api', meta: { workspace: '/w/billing', cwd: '/w/shop-api' } })), 'billing');
    assert.equal(folderBesideName(agent('c', { name: 'Builder', meta: { cwd: '/w/shop-api' } })), 'shop-api');
    assert.equal(folderBesideName(agent('d', { name: 'shop-api-bot', meta: { cwd: '/w/shop-api' } })), 'shop-api', 'a word of the name is not the folder');
    assert.equal(folderBesideName(agent('e', { name: 'Builder' })), undefined);
  });
});

describe('Extension model: agents last seen, and alerts', () => {
  it('an event an agent sent moves its last-seen time; a polled newer time does too', () => {
    const model = connectedModel([task('t', { state: 'active', agentId: 'x' })], [agent('x')]);
    const before = model.getAgent('x')?.lastSeenAt ?? '';
    const progress = event('task.progress', { taskId: 't', actor: 'agent:x', data: { progress: 5 } });
    model.applyEvent(progress);
    model.flush();
    assert.equal(model.getAgent('x')?.lastSeenAt, progress.at);
    assert.ok(progress.at > before);
    const later = new Date(Date.parse(progress.at) + 60_000).toISOString();
    const changes: string[][] = [];
    model.onDidChange((c) => changes.push([...c.agents]));
    model.mergeAgents([agent('x', { lastSeenAt: later }), agent('unknown', { lastSeenAt: later })]);
    model.flush();
    assert.equal(model.getAgent('x')?.lastSeenAt, later);
    assert.deepEqual(changes, [['x']]);
    model.mergeAgents([agent('x', { lastSeenAt: before })]);
    assert.equal(model.getAgent('x')?.lastSeenAt, later, 'an older time never wins');
  });

  it('raises live alerts for failures, stuck work and questions to the user', () => {
    const model = connectedModel([task('a', { state: 'active', agentId: 'x' }), task('b', { state: 'active', agentId: 'x' })], [agent('x')]);
    const alerts: string[] = [];
    model.onDidChange((c) => alerts.push(...c.alerts.map((a) => `${a.kind}:${a.taskId}`)));
    model.applyEvent(event('task.transitioned', { taskId: 'a', actor: 'agent:x', data: { from: 'active', to: 'failed', error: { message: 'boom' } } }));
    model.applyEvent(event('task.reset', { taskId: 'b', actor: 'user', data: { from: 'active', to: 'failed', reason: 'mine' } }));
    model.applyEvent(event('task.updated', { taskId: 'a', actor: 'agent:x', data: { changes: { needsInput: { since: '2026-01-01T10:01:00.000Z', kind: 'question', message: 'Which branch?' } } } }));
    model.flush();
    assert.equal(model.getTask('b')?.state, 'failed', 'the reset was applied');
    // Whose doing a change was is for the notifier to judge (OwnActions): the daemon's actor cannot tell.
    assert.deepEqual(alerts, ['failed:a', 'failed:b', 'needsInput:a']);
  });
});
