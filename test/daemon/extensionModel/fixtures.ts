/** Tasks, agents and events for the extension model's plain-Node tests, built from a few fields. */
import { buildTask, type Agent, type Task, type TrackerEvent } from '../../../extension/src/model/protocol.js';
import { AgentTree } from '../../../extension/src/model/agentTree.js';
import { TrackerModel } from '../../../extension/src/model/trackerModel.js';

const T0 = '2026-01-01T10:00:00.000Z';

/** A pending task as the reducer builds it from a create with a title alone, then the fields given. */
export function task(id: string, fields: Partial<Task> = {}): Task {
  return { ...buildTask({ title: `Task ${id}` }, id, T0), ...fields };
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

/** The Agents view's tree over no agents: a page that asks it about an agent hears "offline". */
export function noAgents(): AgentTree {
  return new AgentTree(connectedModel([]));
}
