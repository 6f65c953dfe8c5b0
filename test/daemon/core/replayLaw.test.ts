/**
 * The replay law as a property: after any sequence of commands (valid or refused), folding each task's events with
 * the shared reducer reproduces the stored task, both as the daemon reports it (GET /replay) and as a client computes
 * it from GET /events. Commands go through the real HTTP API of one daemon; each run works on tasks of its own.
 */
import { strict as assert } from 'node:assert';
import fc from 'fast-check';
import { diffTasks, foldTask, TASK_STATES, type Task, type TrackerEvent } from '../../../daemon/src/protocol/index.js';
import type { HttpClient } from '../support/http.js';
import { assertReplayConsistent } from '../support/replayLaw.js';
import { startTestDaemon, type TestDaemon } from '../support/testDaemon.js';

const AGENTS = ['ag-1', 'ag-2', 'ag-3'];
const RESET_TO = ['pending', 'failed', 'cancelled'] as const;

type Step =
  | { kind: 'create'; state: 'pending' | 'backlog' | 'active'; agent: number; parent: number | null; deps: number[]; priority: number; maxAttempts: number | null }
  | { kind: 'update'; task: number; changes: Record<string, unknown> }
  | { kind: 'transition'; task: number; to: (typeof TASK_STATES)[number]; agent: number | null; error: string | null; result: boolean }
  | { kind: 'claim'; task: number; agent: number; leaseMs: number }
  | { kind: 'heartbeat'; task: number; goodToken: boolean; progress: number | null; step: string | null }
  | { kind: 'report'; op: 'progress' | 'log' | 'checkpoint'; task: number; agent: number | null }
  | { kind: 'reset'; task: number; to: (typeof RESET_TO)[number] }
  | { kind: 'agentReset'; agent: number; to: (typeof RESET_TO)[number] }
  | { kind: 'stuckReset'; to: (typeof RESET_TO)[number] }
  | { kind: 'next'; agent: number; claim: boolean }
  | { kind: 'agentHeartbeat'; agent: number; capabilities: string[] };

const index = fc.nat({ max: 50 });
const agent = fc.nat({ max: AGENTS.length - 1 });
const resetTo = fc.constantFrom(...RESET_TO);
const changes = fc.record(
  {
    title: fc.string({ minLength: 1, maxLength: 20 }).filter((s) => s.trim().length > 0),
    description: fc.string({ maxLength: 40 }),
    priority: fc.integer({ min: 1, max: 10 }),
    tags: fc.array(fc.constantFrom('a', 'b', 'c'), { maxLength: 3 }),
    step: fc.string({ maxLength: 10 }),
    progress: fc.integer({ min: 0, max: 100 }),
    input: fc.dictionary(fc.constantFrom('x', 'y'), fc.oneof(fc.integer(), fc.string({ maxLength: 5 }))),
    outputs: fc.dictionary(fc.constantFrom('log', 'out'), fc.string({ maxLength: 8 })),
    artifacts: fc.array(fc.string({ maxLength: 8 }), { maxLength: 2 }),
    itemsProcessed: fc.nat({ max: 1000 }),
    archived: fc.boolean(),
    expiresAt: fc.constantFrom(null, '2099-01-01T00:00:00.000Z'),
  },
  { requiredKeys: [] },
).filter((c) => Object.keys(c).length > 0);

const step: fc.Arbitrary<Step> = fc.oneof(
  { weight: 4, arbitrary: fc.record({ kind: fc.constant('create' as const), state: fc.constantFrom('pending' as const, 'backlog' as const, 'active' as const), agent, parent: fc.option(index), deps: fc.array(index, { maxLength: 2 }), priority: fc.integer({ min: 1, max: 10 }), maxAttempts: fc.option(fc.integer({ min: 1, max: 3 })) }) },
  { weight: 2, arbitrary: fc.record({ kind: fc.constant('update' as const), task: index, changes }) },
  { weight: 6, arbitrary: fc.record({ kind: fc.constant('transition' as const), task: index, to: fc.constantFrom(...TASK_STATES), agent: fc.option(agent), error: fc.option(fc.string({ maxLength: 10 })), result: fc.boolean() }) },
  { weight: 3, arbitrary: fc.record({ kind: fc.constant('claim' as const), task: index, agent, leaseMs: fc.constantFrom(1000, 60_000) }) },
  { weight: 2, arbitrary: fc.record({ kind: fc.constant('heartbeat' as const), task: index, goodToken: fc.boolean(), progress: fc.option(fc.integer({ min: 0, max: 100 })), step: fc.option(fc.constantFrom('fetch', 'build')) }) },
  { weight: 2, arbitrary: fc.record({ kind: fc.constant('report' as const), op: fc.constantFrom('progress' as const, 'log' as const, 'checkpoint' as const), task: index, agent: fc.option(agent) }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('reset' as const), task: index, to: resetTo }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('agentReset' as const), agent, to: resetTo }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('stuckReset' as const), to: resetTo }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('next' as const), agent, claim: fc.boolean() }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('agentHeartbeat' as const), agent, capabilities: fc.array(fc.constantFrom('build', 'test'), { maxLength: 2 }) }) },
);

/** How many steps of each kind the daemon accepted: the runs must exercise the successful paths, not only refusals. */
const accepted = new Map<string, number>();

/** Runs one step; the daemon may refuse it (4xx), but must never fail (5xx) or drop the connection. */
async function run(http: HttpClient, s: Step, tasks: string[], leases: Map<string, { agentId: string; token: string }>, prefix: string): Promise<void> {
  const pick = (i: number) => tasks[i % tasks.length] as string;
  if (s.kind !== 'create' && s.kind !== 'agentReset' && s.kind !== 'stuckReset' && s.kind !== 'next' && s.kind !== 'agentHeartbeat' && tasks.length === 0) return;
  let res;
  switch (s.kind) {
    case 'create': {
      const id = `${prefix}-t${tasks.length}`;
      const body: Record<string, unknown> = { id, title: `task ${tasks.length}`, state: s.state, priority: s.priority, maxAttempts: s.maxAttempts };
      if (s.state === 'active' || s.agent > 0) body.agentId = AGENTS[s.agent];
      if (s.parent !== null && tasks.length > 0) body.parentId = pick(s.parent);
      if (tasks.length > 0) body.dependsOn = s.deps.map(pick);
      res = await http.post('/v1/tasks', body);
      if (res.status === 201) tasks.push(id);
      break;
    }
    case 'update':
      res = await http.patch(`/v1/tasks/${pick(s.task)}`, s.changes);
      break;
    case 'transition': {
      const body: Record<string, unknown> = { to: s.to };
      if (s.agent !== null) body.agentId = AGENTS[s.agent];
      if (s.error !== null) body.error = s.error;
      if (s.result) body.result = { answer: 42 };
      res = await http.post(`/v1/tasks/${pick(s.task)}/transition`, body);
      break;
    }
    case 'claim': {
      const id = pick(s.task);
      const agentId = AGENTS[s.agent] as string;
      res = await http.post<{ leaseToken: string }>(`/v1/tasks/${id}/claim`, { agentId, leaseMs: s.leaseMs });
      if (res.status === 200) {
        leases.set(id, { agentId, token: res.body.leaseToken });
        // As an agent does: the first heartbeat right after the claim, reporting progress.
        const beat = await http.post(`/v1/tasks/${id}/heartbeat`, { agentId, leaseToken: res.body.leaseToken, progress: 5, step: 'started' });
        assert.equal(beat.status, 200, beat.text);
        accepted.set('heartbeat', (accepted.get('heartbeat') ?? 0) + 1);
      }
      break;
    }
    case 'heartbeat': {
      // Mostly a task some agent claimed, so that valid heartbeats happen too.
      const leased = [...leases.keys()];
      const id = leased.length > 0 && s.task % 4 !== 0 ? (leased[s.task % leased.length] as string) : pick(s.task);
      const lease = leases.get(id) ?? { agentId: 'ag-1', token: 'no-lease' };
      const body: Record<string, unknown> = { agentId: lease.agentId, leaseToken: s.goodToken ? lease.token : 'wrong-token' };
      if (s.progress !== null) body.progress = s.progress;
      if (s.step !== null) body.step = s.step;
      res = await http.post(`/v1/tasks/${id}/heartbeat`, body);
      break;
    }
    case 'report': {
      const line: Record<string, unknown> = { op: s.op, taskId: pick(s.task) };
      if (s.agent !== null) line.agentId = AGENTS[s.agent];
      if (s.op === 'progress') Object.assign(line, { progress: 33, step: 'reported', itemsProcessed: 3 });
      if (s.op === 'log') line.message = 'a log line';
      if (s.op === 'checkpoint') line.data = { cursor: 7 };
      res = await http.post('/v1/events', [line]);
      break;
    }
    case 'reset':
      res = await http.post(`/v1/tasks/${pick(s.task)}/reset`, { to: s.to, reason: 'property test' });
      break;
    case 'agentReset':
      res = await http.post(`/v1/agents/${AGENTS[s.agent]}/reset`, { to: s.to, reason: 'property test' });
      break;
    case 'stuckReset':
      res = await http.post('/v1/stuck/reset', { to: s.to, reason: 'property test' });
      break;
    case 'next': {
      const agentId = AGENTS[s.agent] as string;
      res = await http.post<{ task: Task; leaseToken?: string }>(`/v1/agents/${agentId}/next`, { claim: s.claim });
      if (res.status === 200 && res.body.leaseToken) leases.set(res.body.task.id, { agentId, token: res.body.leaseToken });
      break;
    }
    case 'agentHeartbeat':
      res = await http.post(`/v1/agents/${AGENTS[s.agent]}/heartbeat`, { capabilities: s.capabilities });
      break;
  }
  assert.ok(res.status < 500, `${JSON.stringify(s)} -> ${res.status} ${res.text}`);
  if (res.status < 300) accepted.set(s.kind, (accepted.get(s.kind) ?? 0) + 1);
  assert.ok([200, 201, 204, 400, 404, 409].includes(res.status), `${JSON.stringify(s)} -> unexpected ${res.status} ${res.text}`);
}

/** Every event of a task, page by page, as a client would read them. */
async function allTaskEvents(http: HttpClient, id: string): Promise<TrackerEvent[]> {
  const events: TrackerEvent[] = [];
  for (;;) {
    const after = events.at(-1)?.seq ?? 0;
    const page = await http.ok(http.get<{ items: TrackerEvent[] }>(`/v1/tasks/${id}/events?after=${after}&limit=7`));
    if (page.items.length === 0) return events;
    events.push(...page.items);
  }
}

async function checkLaw(http: HttpClient, id: string): Promise<void> {
  const replay = await assertReplayConsistent(http, id);
  const stored = await http.ok(http.get<Task>(`/v1/tasks/${id}`));
  const events = await allTaskEvents(http, id);
  assert.equal(replay.steps.length, events.length);
  for (let i = 1; i < events.length; i++) assert.ok((events[i] as TrackerEvent).seq > (events[i - 1] as TrackerEvent).seq);
  assert.ok(events.every((e) => e.taskId === id));
  assert.deepEqual(diffTasks(stored, foldTask(events)), [], `folding the events of ${id} does not give the stored task`);
  assert.equal(foldTask(events)?.version, stored.version);
}

describe('core: the replay law (property)', function () {
  this.timeout(120_000);
  let d: TestDaemon;
  const checked: string[] = [];
  before(async () => {
    d = await startTestDaemon({ settings: { agentTimeoutMs: 30_000 } });
  });
  after(async () => {
    await d?.close();
  });

  it('holds for every task after random command sequences', async () => {
    let runNo = 0;
    await fc.assert(
      fc.asyncProperty(fc.array(step, { minLength: 5, maxLength: 40, size: 'max' }), async (steps) => {
        const prefix = `r${runNo++}`;
        const tasks: string[] = [];
        const leases = new Map<string, { agentId: string; token: string }>();
        for (const s of steps) await run(d.http, s, tasks, leases, prefix);
        for (const id of tasks) await checkLaw(d.http, id);
        checked.push(...tasks);
      }),
      { numRuns: Number(process.env.REPLAY_LAW_RUNS ?? 40) },
    );
    assert.ok(checked.length > 40, 'the runs created tasks');
    for (const kind of ['update', 'transition', 'claim', 'heartbeat', 'report', 'reset', 'next']) {
      assert.ok((accepted.get(kind) ?? 0) > 3, `few accepted ${kind} steps: ${JSON.stringify([...accepted])}`);
    }
  });

  it('still holds for every task once all runs are done, and after a restart', async () => {
    for (const id of checked) await checkLaw(d.http, id);
    await d.stop();
    d = await startTestDaemon({ home: d.home });
    for (const id of checked) await checkLaw(d.http, id);
  });
});
