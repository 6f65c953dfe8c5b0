/**
 * A task's page: draws the view the extension computed. Every string from the task goes in as text, never as markup;
 * buttons post the action back and the extension runs the command. Runs in a webview and on the web board.
 */
import type { TaskAction, TaskPageView, TaskRef } from '../src/model/taskPageView.js';
import type { TaskPageInbound, TaskPageOutbound } from '../src/webviews/taskPage/taskPageMessages.js';
import { el } from './dom.js';
import type { PageHost } from './pageHost.js';

/** What the page keeps while hidden, to draw the last view at once when shown again. */
export interface TaskPageState {
  view: TaskPageView;
  preview: boolean;
}

export type TaskPageHost = PageHost<TaskPageInbound, TaskPageOutbound, TaskPageState>;

const ACTION_LABELS: Record<TaskAction, string> = {
  allow: 'Allow',
  deny: 'Deny…',
  focusTerminal: 'Focus Terminal',
  retry: 'Retry',
  cancel: 'Cancel',
  reset: 'Reset',
  replay: 'Replay events',
};
// The one action the page leads with; Cancel is never it (it ends the work for good).
const PRIMARY: readonly TaskAction[] = ['allow', 'retry', 'reset'];

export function startTaskPage(host: TaskPageHost, page: HTMLElement): void {
  function section(title: string, children: Node[]): HTMLElement {
    return el('section', { 'aria-label': title }, [el('h2', {}, [title]), ...children]);
  }

  function table(rows: readonly [string, string][]): HTMLElement {
    return el('dl', { class: 'facts' }, rows.flatMap(([k, v]) => [el('dt', {}, [k]), el('dd', {}, [v])]));
  }

  function progressBar(value: number, label: string): HTMLElement {
    const fill = el('div', { class: 'fill' });
    fill.style.width = `${value}%`;
    return el('div', { class: 'progress', role: 'progressbar', 'aria-valuemin': '0', 'aria-valuemax': '100', 'aria-valuenow': String(value), 'aria-label': label }, [fill]);
  }

  function taskLink(ref: TaskRef, extra: string): HTMLElement {
    const button = el('button', { class: 'link', type: 'button' }, [ref.title]);
    button.addEventListener('click', () => host.post({ type: 'open', taskId: ref.id }));
    return el('li', {}, [button, el('span', { class: 'muted' }, [` ${ref.state}${extra}`])]);
  }

  function fileRow(file: TaskPageView['files'][number], index: number): HTMLElement {
    const name = el('span', { class: 'path', title: file.path }, [file.label]);
    if (!host.opensFiles) return el('li', {}, [name]);
    const open = el('button', { type: 'button', 'aria-label': `Open ${file.label}` }, ['Open']);
    open.addEventListener('click', () => host.post({ type: 'openFile', index, changes: false }));
    const changes = el('button', { type: 'button', 'aria-label': `Open changes of ${file.label}` }, ['Open Changes']);
    changes.addEventListener('click', () => host.post({ type: 'openFile', index, changes: true }));
    return el('li', {}, [name, open, changes]);
  }

  function render(view: TaskPageView, preview: boolean): void {
    const header = el('header', {}, [el('h1', {}, [view.title]), el('span', { class: `state state-${view.state}` }, [view.stateText])]);
    if (preview) {
      // The preview shows the next task opened in its place; this keeps it.
      const keep = el('button', { type: 'button', class: 'keep', title: 'This page shows the next task you open; keep it open instead' }, ['Keep Open']);
      keep.addEventListener('click', () => host.post({ type: 'pin' }));
      header.append(el('span', { class: 'muted preview-note' }, ['Preview']), keep);
    }
    const parts: HTMLElement[] = [header];
    if (view.attention.length) parts.push(el('div', { class: 'attention', role: 'status' }, view.attention.map((a) => el('p', {}, [a]))));
    const actions = el('div', { class: 'actions', role: 'toolbar', 'aria-label': 'Actions' });
    const primary = view.actions.find((a) => PRIMARY.includes(a));
    for (const action of view.actions) {
      const button = el('button', { type: 'button', 'data-action': action }, [ACTION_LABELS[action]]);
      if (action === primary) button.classList.add('primary');
      button.addEventListener('click', () => host.post({ type: 'action', action }));
      actions.append(button);
    }
    parts.push(actions);
    if (view.retryNote && view.actions.includes('retry')) parts.push(el('p', { class: 'note' }, [view.retryNote]));

    const work: HTMLElement[] = [];
    if (view.agent) {
      const who = [view.agent.name, view.agent.kind ? ` (${view.agent.kind})` : '', `, ${view.agent.status}`].join('');
      work.push(table([['Agent', who]]));
    } else {
      work.push(table([['Agent', 'none yet']]));
    }
    work.push(el('div', { class: 'progress-row' }, [progressBar(view.progress, 'Progress'), el('span', {}, [`${view.progress}%${view.step ? ` · ${view.step}` : ''}`])]));
    if (view.rollup) {
      work.push(el('div', { class: 'progress-row' }, [progressBar(view.rollup.progress, 'Subtasks progress'), el('span', {}, [view.rollup.text])]));
    }
    if (view.transcript) {
      // In VS Code the path opens the transcript; the web board cannot open files on this machine, so it is text there.
      let path: HTMLElement = el('span', {}, [view.transcript]);
      if (host.opensFiles) {
        path = el('button', { class: 'link', type: 'button', title: 'Open the transcript' }, [view.transcript]);
        path.addEventListener('click', () => host.post({ type: 'openTranscript' }));
      }
      work.push(el('dl', { class: 'facts' }, [el('dt', {}, ['Transcript']), el('dd', {}, [path])]));
    }
    parts.push(section('Work', work));
    if (view.lastError) parts.push(section('Last error', [el('p', { class: 'muted' }, [view.lastError.at]), el('pre', { class: 'error' }, [view.lastError.message])]));
    if (view.files.length) parts.push(section('Files changed', [el('ul', { class: 'files' }, view.files.map(fileRow))]));
    if (view.parent) parts.push(section('Part of', [el('ul', {}, [taskLink(view.parent, '')])]));
    // What this task waits for and what waits for it, side by side.
    const related: HTMLElement[] = [];
    if (view.dependencies.length) {
      related.push(section('Depends on', [el('ul', {}, view.dependencies.map((d) => taskLink(d, d.done ? '' : ' (waiting for it)')))]));
    }
    if (view.blocks.length) {
      related.push(section('Blocks', [el('ul', {}, view.blocks.map((b) => taskLink(b, b.waiting ? ' (waiting for this)' : '')))]));
    }
    if (related.length) parts.push(el('div', { class: 'related' }, related));
    if (view.subtasks.length) parts.push(section('Subtasks', [el('ul', {}, view.subtasks.map((s) => taskLink(s, '')))]));
    parts.push(section('Times', [table(view.facts)]));
    if (view.usage.length) parts.push(section('Usage', [table(view.usage)]));
    const log = el('ol', { class: 'log', 'aria-label': 'Latest log lines' });
    for (const line of view.logs) {
      log.append(el('li', { class: `level-${line.level}` }, [el('time', {}, [line.at]), ' ', line.message]));
    }
    parts.push(section('Log', [view.logs.length ? log : el('p', { class: 'muted' }, ['No log lines yet.'])]));
    const turned = page.dataset.taskId !== view.taskId;
    page.dataset.taskId = view.taskId;
    page.replaceChildren(...parts);
    // The preview turned to another task: start at its top.
    if (turned) window.scrollTo(0, 0);
    host.setState({ view, preview });
  }

  host.onMessage((message) => {
    switch (message.type) {
      case 'render':
        return render(message.view, message.preview);
      case 'missing':
        return page.replaceChildren(el('p', {}, [`This task is no longer known to the daemon (${message.taskId}).`]));
    }
  });

  const saved = host.getState();
  if (saved) render(saved.view, saved.preview);
  host.post({ type: 'ready' });
}
