/** GET /v1/tasks filters and cursors, /v1/history order and filters, and the derived fields blocked, blocks, metrics. */
import { strict as assert } from 'node:assert';
import type { Task } from '../../../daemon/src/protocol/index.js';
import { startTestDaemon, type TestDaemon } from '../support/testDaemon.js';
import { TestClock } from '../support/testClock.js';

interface Page {
  items: Task[];
  nextCursor: string | null;
  total: number;
}

describe('core: task lists, filters and pagination', function () {
  let d: TestDaemon;
  const ids = async (query: string) => (await d.http.ok(d.http.get<Page>(`/v1/tasks?${query}`))).items.map((t) => t.id);

  before(async () => {
    d = await startTestDaemon();
    await d.http.ok(
      d.http.post('/v1/events', [
        { op: 'create', taskId: 'f-red', title: 'Red one', tags: ['red', 'x'], requestId: 'req-1', agentId: 'ag1' },
        { op: 'create', taskId: 'f-child', title: 'Child of red', parentId: 'f-red', state: 'backlog', tags: ['x'] },
        { op: 'create', taskId: 'f-needle', title: 'Find the NEEDLE here', state: 'active', agentId: 'ag2', requestId: 'req-2' },
        ...Array.from({ length: 25 }, (_, i) => ({ op: 'create', taskId: `page-${String(i).padStart(2, '0')}`, title: `Page ${i}`, tags: ['page'] })),
      ]),
    );
  });
  after(async () => {
    await d?.close();
  });

  it('filters by state (several), agent, tag, parent, request and text', async () => {
    assert.deepEqual(await ids('state=backlog,active'), ['f-child', 'f-needle']);
    assert.deepEqual(await ids('agentId=ag1'), ['f-red']);
    assert.deepEqual(await ids('tag=x'), ['f-red', 'f-child']);
    assert.deepEqual(await ids('parentId=f-red'), ['f-child']);
    assert.deepEqual(await ids('requestId=req-2'), ['f-needle']);
    assert.deepEqual(await ids('q=needle'), ['f-needle']);
    assert.deepEqual(await ids('tag=x&state=pending'), ['f-red']);
    assert.deepEqual(await ids('stuck=true'), []);
    assert.deepEqual(await ids('tag=nothing'), []);
  });

  it('walks every page once, in creation order, with a stable total', async () => {
    const seen: string[] = [];
    let cursor: string | null = null;
    let pages = 0;
    do {
      const query: string = `tag=page&limit=7${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`;
      const page: Page = await d.http.ok(d.http.get<Page>(`/v1/tasks?${query}`));
      assert.equal(page.total, 25);
      assert.ok(page.items.length <= 7);
      seen.push(...page.items.map((t) => t.id));
      cursor = page.nextCursor;
      pages++;
    } while (cursor);
    assert.equal(pages, 4);
    assert.deepEqual(seen, Array.from({ length: 25 }, (_, i) => `page-${String(i).padStart(2, '0')}`));
  });

  it('keeps a cursor valid while tasks are added behind it', async () => {
    const first = await d.http.ok(d.http.get<Page>('/v1/tasks?tag=page&limit=20'));
    await d.http.ok(d.http.post('/v1/tasks', { id: 'page-late', title: 'Late', tags: ['page'] }));
    const rest = await d.http.ok(d.http.get<Page>(`/v1/tasks?tag=page&limit=20&cursor=${first.nextCursor}`));
    assert.deepEqual(rest.items.map((t) => t.id), ['page-20', 'page-21', 'page-22', 'page-23', 'page-24', 'page-late']);
    assert.equal(rest.nextCursor, null);
  });

  it('defaults to 100 items per page', async () => {
    await d.http.ok(d.http.post('/v1/events', Array.from({ length: 120 }, (_, i) => ({ op: 'create', title: `bulk ${i}`, tags: ['bulk'] }))));
    const page = await d.http.ok(d.http.get<Page>('/v1/tasks?tag=bulk'));
    assert.equal(page.items.length, 100);
    assert.equal(page.total, 120);
    assert.notEqual(page.nextCursor, null);
  });
});

describe('core: history and derived fields (on a clock the test moves)', function () {
  let d: TestDaemon;
  const clock = new TestClock({ frozen: true });

  before(async () => {
    d = await startTestDaemon({ clock });
  });
  after(async () => {
    await d?.close();
  });

  it('derives metrics from the task timestamps', async () => {
    await d.http.ok(d.http.post('/v1/tasks', { id: 'm', title: 'Measured' }));
    clock.advance(1000);
    await d.http.ok(d.http.post('/v1/tasks/m/transition', { to: 'active', agentId: 'ag' }));
    clock.advance(2000);
    const active = await d.http.ok(d.http.get<Task>('/v1/tasks/m'));
    assert.deepEqual(active.metrics, { waitMs: 1000, workMs: null, cycleMs: null });
    const done = await d.http.ok(d.http.post<Task>('/v1/tasks/m/transition', { to: 'done' }));
    assert.deepEqual(done.metrics, { waitMs: 1000, workMs: 2000, cycleMs: 3000 });
  });

  it('derives blocked and blocks from the dependencies, and unblocks when they are done', async () => {
    await d.http.ok(d.http.post('/v1/tasks', { id: 'base', title: 'Base' }));
    await d.http.ok(d.http.post('/v1/tasks', { id: 'top', title: 'Top', dependsOn: ['base', { taskId: 'm', state: 'done' }] }));
    const base = await d.http.ok(d.http.get<Task>('/v1/tasks/base'));
    const top = await d.http.ok(d.http.get<Task>('/v1/tasks/top'));
    assert.deepEqual([base.blocks, base.blocked], [['top'], false]);
    assert.deepEqual([top.blocked, top.dependsOn], [true, [{ taskId: 'base', state: 'done' }, { taskId: 'm', state: 'done' }]]);
    await d.http.ok(d.http.post('/v1/tasks/base/transition', { to: 'active', agentId: 'ag' }));
    await d.http.ok(d.http.post('/v1/tasks/base/transition', { to: 'done' }));
    assert.equal((await d.http.ok(d.http.get<Task>('/v1/tasks/top'))).blocked, false);
    const stats = await d.http.ok(d.http.get<{ tasks: { blocked: number } }>('/v1/stats'));
    assert.equal(stats.tasks.blocked, 0);
  });

  it('lists finished tasks newest completion first, with filters, limit and offset', async () => {
    const finish = async (id: string, to: 'done' | 'failed' | 'cancelled', agentId: string, jobType = 'api') => {
      clock.advance(1000);
      await d.http.ok(d.http.post('/v1/tasks', { id, title: id, state: 'active', agentId, jobType }));
      clock.advance(1000);
      await d.http.ok(d.http.post(`/v1/tasks/${id}/transition`, { to }));
    };
    const since = new Date(clock.now() + 1).toISOString();
    await finish('h1', 'done', 'alpha');
    await finish('h2', 'failed', 'beta', 'scheduled');
    await finish('h3', 'cancelled', 'alpha');
    await finish('h4', 'done', 'beta', 'manual');
    const history = async (query = '') => d.http.ok(d.http.get<{ items: Task[]; total: number }>(`/v1/history?${query}`));
    assert.deepEqual((await history(`since=${since}`)).items.map((t) => t.id), ['h4', 'h3', 'h2', 'h1']);
    assert.deepEqual((await history()).items.map((t) => t.id), ['h4', 'h3', 'h2', 'h1', 'base', 'm']);
    assert.deepEqual((await history('state=failed,cancelled')).items.map((t) => t.id), ['h3', 'h2']);
    assert.deepEqual((await history('agentId=alpha')).items.map((t) => t.id), ['h3', 'h1']);
    assert.deepEqual((await history('jobType=scheduled')).items.map((t) => t.id), ['h2']);
    const page = await history('limit=2&offset=1');
    assert.deepEqual([page.items.map((t) => t.id), page.total], [['h3', 'h2'], 6]);
    assert.equal((await d.http.ok(d.http.get<{ items: Task[] }>('/v1/active'))).items.length, 0);
  });
});
