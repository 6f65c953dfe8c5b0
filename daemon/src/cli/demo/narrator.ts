/** Tells the demo's story from the event stream, one line per event, with task titles instead of ids. */
import { reduceTask, type Task, type TrackerEvent } from '../../protocol/index.js';

export class Narrator {
  private readonly titles = new Map<string, string>();
  private readonly holders = new Map<string, string>();
  private readonly hinted = new Set<string>();

  line(event: TrackerEvent): string | undefined {
    const created = event.type === 'task.created' ? reduceTask(undefined, event) : undefined;
    if (created) this.titles.set(created.id, created.title);
    const time = event.at.slice(11, 19);
    const who = event.actor.startsWith('agent:') ? event.actor.slice(6) : event.actor;
    const text = this.describe(event, created);
    return text === undefined ? undefined : `${time}  ${who.padEnd(14)} ${text}`;
  }

  private describe(event: TrackerEvent, created: Task | undefined): string | undefined {
    const title = `"${this.titles.get(event.taskId ?? '') ?? event.taskId ?? ''}"`;
    switch (event.type) {
      case 'task.created': {
        const deps = created?.dependsOn.length ? `, after ${created.dependsOn.map((x) => `"${this.titles.get(x.taskId) ?? x.taskId}"`).join(' and ')}` : '';
        return `+ ${title} (${created?.state ?? ''}, priority ${created?.priority ?? ''}${deps})`;
      }
      case 'task.claimed':
        if (event.taskId) this.holders.set(event.taskId, event.data.agentId);
        return `claimed ${title}`;
      case 'task.transitioned': {
        const { from, to, error, reason } = event.data;
        const mark = to === 'failed' ? '✗' : to === 'done' ? '✓' : '→';
        return `${mark} ${title} ${from} -> ${to}${error ? `: ${error.message}` : reason !== undefined ? ` (${reason})` : ''}`;
      }
      case 'task.progress': {
        const { progress, step } = event.data;
        return `  ${title} ${progress === undefined ? '' : `${progress}% `}${step ?? ''}`;
      }
      case 'task.log':
        return undefined;
      case 'task.stuck':
        return `⚠ ${title} is STUCK (${event.data.reason})${this.resetHint(event.taskId)}`;
      case 'task.reset':
        return `↺ ${title} reset to ${event.data.to}: ${event.data.reason}`;
      case 'agent.registered':
        return `joined`;
      case 'agent.offline':
        return `⚠ agent ${event.agentId ?? ''} is offline (no heartbeat)`;
      default:
        return undefined;
    }
  }

  /** How to get out of it, once per task. */
  private resetHint(taskId: string | undefined): string {
    if (!taskId || this.hinted.has(taskId)) return '';
    this.hinted.add(taskId);
    const agent = this.holders.get(taskId);
    const command = agent
      ? `agent-tracker agent reset ${agent} --to pending --reason "agent hung"`
      : `agent-tracker task show ${taskId}`;
    return `: reset it from the VS Code sidebar, or \`${command}\``;
  }
}
