/** Tells the demo's story from the event stream, one line per event, with task titles instead of ids. */
import type { Task, TrackerEvent } from '../../protocol/index.js';

export class Narrator {
  private readonly titles = new Map<string, string>();
  private readonly holders = new Map<string, string>();
  private readonly hinted = new Set<string>();

  line(event: TrackerEvent): string | undefined {
    const d = event.data as Record<string, unknown>;
    if (event.type === 'task.created') {
      const task = d.task as Task | undefined;
      if (task) this.titles.set(task.id, task.title);
    }
    const time = event.at.slice(11, 19);
    const who = event.actor.startsWith('agent:') ? event.actor.slice(6) : event.actor;
    const text = this.describe(event, d);
    return text === undefined ? undefined : `${time}  ${who.padEnd(14)} ${text}`;
  }

  private describe(event: TrackerEvent, d: Record<string, unknown>): string | undefined {
    const title = `"${this.titles.get(event.taskId ?? '') ?? event.taskId ?? ''}"`;
    switch (event.type) {
      case 'task.created': {
        const task = d.task as Task | undefined;
        const deps = task?.dependsOn.length ? `, after ${task.dependsOn.map((x) => `"${this.titles.get(x.taskId) ?? x.taskId}"`).join(' and ')}` : '';
        return `+ ${title} (${task?.state ?? ''}, priority ${task?.priority ?? ''}${deps})`;
      }
      case 'task.claimed':
        if (event.taskId && typeof d.agentId === 'string') this.holders.set(event.taskId, d.agentId);
        return `claimed ${title}`;
      case 'task.transitioned': {
        const error = (d.error as { message?: string } | undefined)?.message;
        const mark = d.to === 'failed' ? '✗' : d.to === 'done' ? '✓' : '→';
        return `${mark} ${title} ${String(d.from)} -> ${String(d.to)}${error ? `: ${error}` : typeof d.reason === 'string' ? ` (${d.reason})` : ''}`;
      }
      case 'task.progress':
        return `  ${title} ${d.progress === undefined ? '' : `${String(d.progress)}% `}${typeof d.step === 'string' ? d.step : ''}`;
      case 'task.log':
        return undefined;
      case 'task.stuck':
        return `⚠ ${title} is STUCK (${String(d.reason)})${this.resetHint(event.taskId)}`;
      case 'task.reset':
        return `↺ ${title} reset to ${String(d.to)}: ${String(d.reason)}`;
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
