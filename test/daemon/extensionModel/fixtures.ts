/** Tasks, agents and events for the extension model's plain-Node tests, built from a few fields. */
import type { Agent, Task, TrackerEvent } from '../../../extension/src/model/protocol.js';
import { TrackerModel } from '../../../extension/src/model/trackerModel.js';

const T0 = '2026-01-01T10:00:00.000Z';

export function task(id: string, fields: Partial<Task> = {}): Task {
  return {
    id,
    title: `Task ${id}`,
    description: '',
    type: '',
    priority: 5,
    tags: [],
    state: 'pending',
    agentId: null,
    parentId: null,
    requestId: null,
    jobType: 'api',
    triggerSource: null,
    input: {},
    progress: 0,
    step: '',
    itemsProcessed: 0,
    itemsFailed: 0,
    attempts: 0,
    maxAttempts: null,
    lastError: null,
    errors: [],
    result: null,
    outputs: {},
    artifacts: [],
    dependsOn: [],
    blocks: [],
    checkpoint: null,
    createdAt: T0,
    updatedAt: T0,
    assignedAt: null,
    startedAt: null,
    completedAt: null,
    expiresAt: null,
    lease: null,
    stuck: null,
    needsInput: null,
    usage: null,
    blocked: false,
    metrics: { waitMs: null, workMs: null, cycleMs: null },
    archived: false,
    version: 1,
    schemaVersion: 1,
    ...fields,
  };
}

export function agent(id: string, fields: Partial<Agent> = {}): Agent {
  return { id, name: `Agent ${id}`, capabilities: [], status: 'online', lastSeenAt: T0, meta: {}, registeredAt: T0, usage: null, ...fields };
}

let seq = 0;

export function event(type: string, fields: Partial<TrackerEvent>): TrackerEvent {
  seq += 1;
  return { seq: 1000 + seq, id: `e${seq}`, at: new Date(Date.parse(T0) + seq * 1000).toISOString(), type, actor: 'daemon', data: {}, ...fields } as TrackerEvent;
}

/** A connected model holding these tasks and agents, with its first change already emitted. */
export function connectedModel(tasks: Task[], agents: Agent[] = []): TrackerModel {
  const model = new TrackerModel();
  model.loadSnapshot({ tasks, agents, seq: 1000, uncertainUntil: 1000 });
  model.setConnection({ kind: 'connected', url: 'http://127.0.0.1:1', version: 'test' });
  model.markLive(1000);
  model.flush();
  return model;
}
