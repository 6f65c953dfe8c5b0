/**
 * The extension's model at scale, in plain Node (the model and the tree logic import no `vscode`): 100,000 tasks and
 * 200 agents. Prints the time of each root's children for every view, a burst of 5,000 events applied and redrawn,
 * and the memory the model holds.
 */
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { AgentTree } from '../../extension/src/model/agentTree.js';
import { HistoryList } from '../../extension/src/model/historyList.js';
import { type Agent, type Task, type TaskState, type TrackerEvent } from '../../extension/src/model/protocol.js';
import { TaskTree, type TaskTreeChange } from '../../extension/src/model/taskTree.js';
import { TrackerModel } from '../../extension/src/model/trackerModel.js';
import { RefreshScheduler } from '../../extension/src/views/refreshScheduler.js';

const TASKS = 100_000;
const AGENTS = 200;
const BURST = 5_000;
const GOALS = { childrenMs: 10, burstMs: 200, memoryMb: 150 };

export async function benchExtensionModel(): Promise<void> {
  const gc = exposeGc();
  gc();
  const heapBefore = process.memoryUsage().heapUsed;
  let seq = 0;
  const model = new TrackerModel();
  {
    // Built in a block so only the model keeps the tasks, as after a snapshot read from the wire.
    const agents = Array.from({ length: AGENTS }, (_, i) => makeAgent(i));
    const tasks = Array.from({ length: TASKS }, (_, i) => makeTask(i));
    seq = TASKS;
    model.loadSnapshot({ tasks, agents, seq, uncertainUntil: seq });
    model.flush();
  }
  // The clock stands just after the newest task, so only the daemon's own stuck flags put tasks in Stuck.
  const taskTree = new TaskTree(model, { stuckAfterMs: 300_000, now: () => BASE + TASKS * 60_000 + 60_000 });
  const agentTree = new AgentTree(model);
  const history = new HistoryList(model, async (offset, limit) => {
    const finished = [...model.tasks()].filter((t) => t.completedAt).sort((a, b) => (b.completedAt ?? '').localeCompare(a.completedAt ?? ''));
    return { items: finished.slice(offset, offset + limit), total: finished.length };
  });
  await history.reload();

  console.log(`extension model: ${TASKS} tasks, ${AGENTS} agents`);
  const rows: [string, number][] = [];
  rows.push(['Tasks: root groups', time(() => taskTree.roots())]);
  for (const group of taskTree.roots()) {
    rows.push([`Tasks: ${group} (${taskTree.groupTotal(group)})`, time(() => taskTree.groupChildren(group).map((id) => model.getTask(id)))]);
  }
  rows.push(['Agents: root', time(() => agentTree.roots())]);
  const slowestAgent = Math.max(...agentTree.roots().map((id) => time(() => agentTree.tasksOf(id))));
  rows.push(['Agents: slowest agent children', slowestAgent]);
  rows.push(['History: days', time(() => history.days())]);
  for (const [name, ms] of rows) console.log(`  getChildren ${name.padEnd(34)} ${ms.toFixed(2)} ms`);
  const worstChildren = Math.max(...rows.map(([, ms]) => ms));
  console.log(`  slowest getChildren: ${worstChildren.toFixed(2)} ms (goal <= ${GOALS.childrenMs} ms) ${verdict(worstChildren <= GOALS.childrenMs)}`);

  // The burst: events folded, one change emitted, the trees work out what to redraw, and the redraw re-reads children.
  const events = Array.from({ length: BURST }, (_, i) => makeEvent(model, ++seq, i));
  let redrawn = 0;
  const scheduler = new RefreshScheduler<string>((elements) => {
    redrawn += redraw(taskTree, agentTree, elements);
  });
  const subscription = taskTree.onDidChange((change: TaskTreeChange) => {
    scheduler.schedule(change.all ? undefined : [...[...change.groups].map((g) => `g:${g}`), ...change.parents, ...change.items]);
  });
  const burstStart = performance.now();
  for (const event of events) model.applyEvent(event);
  model.flush();
  scheduler.flush();
  const burstMs = performance.now() - burstStart;
  subscription.dispose();
  console.log(`  burst of ${BURST} events applied + tree refresh: ${burstMs.toFixed(1)} ms, ${redrawn} rows re-read (goal <= ${GOALS.burstMs} ms) ${verdict(burstMs <= GOALS.burstMs)}`);

  gc();
  const heapMb = (process.memoryUsage().heapUsed - heapBefore) / 1024 / 1024;
  console.log(`  memory held by the model and trees: ${heapMb.toFixed(1)} MB (goal <= ${GOALS.memoryMb} MB) ${verdict(heapMb <= GOALS.memoryMb)}`);
  // Keeps everything alive until measured.
  void [model, taskTree, agentTree, history].length;
  taskTree.dispose();
  agentTree.dispose();
  history.dispose();
  model.dispose();
}

function redraw(taskTree: TaskTree, agentTree: AgentTree, elements: string[] | undefined): number {
  if (!elements) {
    let n = 0;
    for (const group of taskTree.roots()) n += taskTree.groupChildren(group).length;
    for (const agent of agentTree.roots()) n += agentTree.tasksOf(agent).length;
    return n;
  }
  let n = 0;
  for (const element of elements) {
    n += element.startsWith('g:') ? taskTree.groupChildren(element.slice(2) as never).length : taskTree.taskChildren(element).length + 1;
  }
  return n;
}

function time(fn: () => unknown): number {
  const start = performance.now();
  fn();
  return performance.now() - start;
}

function verdict(ok: boolean): string {
  return ok ? 'ok' : 'OVER GOAL';
}

/** `global.gc` without requiring the caller to pass --expose-gc. */
function exposeGc(): () => void {
  setFlagsFromString('--expose-gc');
  const gc = runInNewContext('gc') as (() => void) | undefined;
  return gc ?? (() => undefined);
}

const BASE = Date.parse('2026-01-01T00:00:00.000Z');
const iso = (ms: number): string => new Date(BASE + ms).toISOString();
const OPEN_STATES: TaskState[] = ['backlog', 'pending', 'pending', 'assigned', 'active', 'active', 'paused', 'review'];

function makeAgent(i: number): Agent {
  return {
    id: `agent-${i}`,
    name: `Agent ${i}`,
    capabilities: ['development'],
    status: i % 5 === 0 ? 'offline' : 'busy',
    lastSeenAt: iso(i * 1000),
    meta: { pid: 1000 + i, host: 'localhost' },
    registeredAt: iso(0),
    usage: null,
  };
}

function makeTask(i: number): Task {
  // A third finished (history), the rest spread over the open states; some subtasks, some dependencies, some stuck.
  const state: TaskState = i % 3 === 0 ? (i % 9 === 0 ? 'failed' : i % 2 ? 'cancelled' : 'done') : (OPEN_STATES[i % OPEN_STATES.length] ?? 'pending');
  const created = i * 60_000;
  const finished = state === 'done' || state === 'failed' || state === 'cancelled';
  return {
    id: `task-${i}`,
    title: `Task number ${i}: build and test module ${i % 97}`,
    description: 'A synthetic task of the benchmark.',
    type: 'development',
    priority: 1 + (i % 10),
    tags: [`team-${i % 7}`],
    state,
    agentId: state === 'backlog' || state === 'pending' ? null : `agent-${i % AGENTS}`,
    parentId: i % 10 === 5 ? `task-${i - 1}` : null,
    requestId: null,
    jobType: 'api',
    triggerSource: null,
    input: { module: i % 97 },
    progress: finished ? 100 : i % 100,
    step: `step ${i % 5}`,
    itemsProcessed: i % 50,
    itemsFailed: 0,
    attempts: 1,
    maxAttempts: null,
    lastError: state === 'failed' ? { at: iso(created + 30_000), message: 'exit code 1' } : null,
    errors: [],
    result: null,
    outputs: {},
    artifacts: [],
    dependsOn: i % 13 === 0 && i > 0 ? [{ taskId: `task-${i - 1}`, state: 'done' }] : [],
    blocks: [],
    checkpoint: null,
    createdAt: iso(created),
    // Open tasks heard from within the last two minutes, as on a machine where agents report.
    updatedAt: iso(finished ? created + 30_000 : Math.max(created + 1000, TASKS * 60_000 - (i % 120) * 1000)),
    assignedAt: null,
    startedAt: state === 'pending' || state === 'backlog' ? null : iso(created + 500),
    completedAt: finished ? iso(created + 30_000) : null,
    expiresAt: null,
    lease: null,
    stuck: state === 'active' && i % 11 === 0 ? { since: iso(created + 2000), reason: 'lease_expired' } : null,
    needsInput: null,
    usage: null,
    blocked: false,
    metrics: { waitMs: null, workMs: null, cycleMs: null },
    archived: false,
    version: 1,
    schemaVersion: 1,
  };
}

/** Mostly progress (what a busy machine sends), some transitions and some new tasks. */
function makeEvent(model: TrackerModel, seq: number, i: number): TrackerEvent {
  const at = iso(TASKS * 60_000 + i * 10);
  const base = { seq, id: `evt-${seq}`, at, actor: 'agent:agent-1' };
  if (i % 50 === 0) {
    // As the daemon writes it: the create request's fields, the task built by the reducer.
    return { ...base, type: 'task.created', taskId: `burst-${i}`, data: { title: `burst ${i}`, type: 'bench', tags: ['bench'], priority: 5 } };
  }
  const taskId = `task-${(i * 7919) % TASKS}`;
  const task = model.getTask(taskId);
  if (i % 10 === 0 && task?.state === 'active') {
    return { ...base, type: 'task.transitioned', taskId, data: { from: 'active', to: 'done' } };
  }
  return { ...base, type: 'task.progress', taskId, data: { progress: i % 100, step: `step ${i % 9}` } };
}

