import * as assert from 'node:assert/strict';
import { timelineView } from '../../../extension/src/model/timelineView.js';
import { agent, task } from './fixtures.js';

const NOW = Date.parse('2026-01-01T15:00:00.000Z');
const MIN = 60_000;
const at = (msBeforeNow: number): string => new Date(NOW - msBeforeNow).toISOString();

describe('Extension model: the Timeline', () => {
  it('fits the work of the last day by default: a 20-minute session fills the window rather than 2-3 px of six hours', () => {
    const tasks = [
      task('t1', { state: 'done', agentId: 'a', startedAt: at(20 * MIN), completedAt: at(12 * MIN) }),
      task('t2', { state: 'active', agentId: 'a', startedAt: at(10 * MIN) }),
      // Finished two days ago: history, not the timeline.
      task('old', { state: 'done', agentId: 'a', startedAt: at(50 * 60 * MIN), completedAt: at(49 * 60 * MIN) }),
    ];
    const view = timelineView(tasks, [agent('a')], NOW);
    assert.equal(view.zoom, 'fit');
    assert.equal(view.now, NOW);
    assert.ok(view.from <= NOW - 20 * MIN && view.from > NOW - 22 * MIN, `starts just before the first bar (${(NOW - view.from) / MIN} min)`);
    assert.ok(view.to > NOW && view.to < NOW + 2 * MIN, 'ends just after now, so the now line is in sight');
    const bars = view.lanes[0]?.bars ?? [];
    assert.deepEqual(bars.map((b) => b.taskId), ['t1', 't2']);
    const share = (b: { start: number; end: number }): number => (b.end - b.start) / (view.to - view.from);
    assert.ok(share(bars[1] as never) > 0.4, 'the running task takes almost half the width');
    // Axis ticks every few minutes, on round local times.
    assert.ok(view.ticks.length >= 3 && view.ticks.length <= 8, `${view.ticks.length} ticks`);
    assert.ok(view.ticks.every((t) => new Date(t).getSeconds() === 0 && new Date(t).getMinutes() % (view.tickMs / MIN) === 0));
  });

  it('zooms to 15 minutes, 1, 6 and 24 hours, each ending at now, and never fits closer than 2 minutes', () => {
    const tasks = [
      task('long', { state: 'done', agentId: 'a', startedAt: at(5 * 60 * MIN), completedAt: at(4 * 60 * MIN) }),
      task('short', { state: 'active', agentId: 'a', startedAt: at(30_000) }),
    ];
    for (const [zoom, ms] of [['15m', 15 * MIN], ['1h', 60 * MIN], ['6h', 360 * MIN], ['24h', 1440 * MIN]] as const) {
      const view = timelineView(tasks, [agent('a')], NOW, zoom);
      assert.equal(view.zoom, zoom);
      assert.equal(view.from, NOW - ms);
      assert.ok(view.ticks.length <= 8, `${zoom}: ${view.ticks.length} ticks`);
      const ids = view.lanes[0]?.bars.map((b) => b.taskId);
      assert.deepEqual(ids, ms >= 5 * 60 * MIN ? ['long', 'short'] : ['short'], zoom);
      // Nothing drawn before the window.
      assert.ok(view.lanes[0]?.bars.every((b) => b.start >= view.from));
    }
    const fit = timelineView([task('blip', { state: 'active', agentId: 'a', startedAt: at(10_000) })], [agent('a')], NOW);
    assert.ok(NOW - fit.from >= 2 * MIN && NOW - fit.from < 3 * MIN, 'a task of ten seconds does not fill the page, nor is it a sliver');
    assert.ok(fit.tickMs < MIN && fit.ticks.length >= 3, `ticks every ${fit.tickMs / 1000} s`);
  });

  it('tells apart agents of the same name by when they started, and hides ended sessions with nothing in the window', () => {
    const agents = [
      agent('s1', { name: 'Claude Code · api', registeredAt: at(90 * MIN) }),
      agent('s2', { name: 'Claude Code · api', registeredAt: at(30 * MIN) }),
      agent('gone', { name: 'Codex · web', status: 'offline' }),
      agent('idle', { name: 'Gemini CLI · docs' }),
    ];
    const tasks = [task('x', { state: 'active', agentId: 's1', startedAt: at(5 * MIN) }), task('y', { state: 'active', agentId: 's2', startedAt: at(5 * MIN) })];
    const view = timelineView(tasks, agents, NOW);
    const clock = (ms: number): string => new Date(NOW - ms).toLocaleTimeString(undefined, { hour: '2-digit', minute: '2-digit' });
    assert.deepEqual(
      view.lanes.map((l) => l.name),
      [`Claude Code · api (started ${clock(90 * MIN)})`, `Claude Code · api (started ${clock(30 * MIN)})`, 'Gemini CLI · docs'],
    );
  });

  it('stacks bars that overlap in time in rows of their lane, rather than one over the other', () => {
    const tasks = [
      task('a1', { state: 'done', agentId: 'a', startedAt: at(30 * MIN), completedAt: at(10 * MIN) }),
      task('a2', { state: 'active', agentId: 'a', startedAt: at(20 * MIN) }),
      task('a3', { state: 'done', agentId: 'a', startedAt: at(9 * MIN), completedAt: at(5 * MIN) }),
    ];
    const lane = timelineView(tasks, [agent('a')], NOW).lanes[0];
    assert.equal(lane?.rows, 2);
    assert.deepEqual(lane?.bars.map((b) => [b.taskId, b.row]), [['a1', 0], ['a2', 1], ['a3', 0]]);
  });

  it('marks the stretches a task was stuck or waiting for the user', () => {
    const tasks = [
      task('s', { state: 'active', agentId: 'a', startedAt: at(20 * MIN), stuck: { since: at(8 * MIN), reason: 'lease_expired' } }),
      task('w', { state: 'paused', agentId: 'a', startedAt: at(20 * MIN), needsInput: { since: at(3 * MIN), kind: 'permission', message: 'Bash(ls)' } }),
    ];
    const view = timelineView(tasks, [agent('a')], NOW);
    const bars = new Map(view.lanes[0]?.bars.map((b) => [b.taskId, b]));
    assert.deepEqual(bars.get('s')?.marks, [{ kind: 'stuck', start: NOW - 8 * MIN, end: NOW }]);
    assert.equal(bars.get('s')?.stateText, 'active, stuck');
    assert.deepEqual(bars.get('w')?.marks, [{ kind: 'needs', start: NOW - 3 * MIN, end: NOW }]);
    assert.equal(bars.get('w')?.stateText, 'waiting for you');
  });
});
