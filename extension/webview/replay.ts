/**
 * The replay webview: draws the steps the extension computed and lets the user move through them with the scrubber,
 * the buttons, a click on the timeline, or the keyboard. It computes nothing itself. VS Code only.
 */
import type { ReplayInbound, ReplayOutbound, ReplayStepView, ReplayView } from '../src/webviews/replay/replayMessages.js';
import { el } from './dom.js';
import type { PageHost } from './pageHost.js';

/** What the page keeps: the events it shows and which one is selected. */
export interface ReplayState {
  view: ReplayView;
  index: number;
}

export type ReplayHost = PageHost<ReplayInbound, ReplayOutbound, ReplayState>;

const STEP_KEYS: Readonly<Record<string, number>> = { ArrowLeft: -1, ArrowUp: -1, k: -1, ArrowRight: 1, ArrowDown: 1, j: 1 };

/** Draws into the replay panel's skeleton (its elements by id). */
export function startReplay(host: ReplayHost): void {
  let current = host.getState();

  const $ = (id: string): HTMLElement => document.getElementById(id) as HTMLElement;
  const scrubber = $('scrubber') as HTMLInputElement;
  const timeline = $('timeline');

  host.onMessage((message) => {
    switch (message.type) {
      case 'load':
        current = { view: message.view, index: message.index };
        $('error').hidden = true;
        renderAll();
        break;
      case 'select':
        select(message.index);
        break;
      case 'step':
        if (current) select(current.index + message.delta);
        break;
      case 'error':
        $('error').textContent = message.message;
        $('error').hidden = false;
        break;
    }
  });

  $('first').addEventListener('click', () => select(0));
  $('prev').addEventListener('click', () => current && select(current.index - 1));
  $('next').addEventListener('click', () => current && select(current.index + 1));
  $('last').addEventListener('click', () => current && select(current.view.steps.length - 1));
  $('reload').addEventListener('click', () => host.post({ type: 'reload' }));
  scrubber.addEventListener('input', () => select(Number(scrubber.value)));
  timeline.addEventListener('click', (event) => {
    const item = event.target instanceof Element ? event.target.closest('li') : null;
    if (item && item.dataset.index) select(Number(item.dataset.index));
  });
  document.addEventListener('keydown', (event) => {
    if (!current || event.target === scrubber) return;
    const delta = STEP_KEYS[event.key];
    if (delta !== undefined) select(current.index + delta);
    else if (event.key === 'Home') select(0);
    else if (event.key === 'End') select(current.view.steps.length - 1);
    else return;
    event.preventDefault();
  });

  if (current) renderAll();
  host.post({ type: 'ready' });

  function select(index: number): void {
    if (!current || current.view.steps.length === 0) return;
    current.index = Math.max(0, Math.min(current.view.steps.length - 1, index));
    host.setState(current);
    renderSelection();
    host.post({ type: 'selected', index: current.index });
  }

  function renderAll(): void {
    if (!current) return;
    const view = current.view;
    $('title').textContent = `${view.title}  (${view.taskId})`;
    const verdict = $('verdict');
    verdict.className = 'verdict ' + (view.consistent === true ? 'ok' : view.consistent === false ? 'bad' : 'unknown');
    verdict.textContent =
      view.consistent === true
        ? '✓ replay reproduces the stored task'
        : view.consistent === false
          ? `✗ replay differs from the stored task in: ${view.diff.map((d) => d.field).join(', ')}`
          : 'replay verdict unavailable';
    timeline.replaceChildren(
      ...view.steps.map((step, i) => {
        const li = document.createElement('li');
        li.dataset.index = String(i);
        li.className = 'type-' + step.type.replace('.', '-');
        const seq = document.createElement('span');
        seq.className = 'seq';
        seq.textContent = '#' + step.seq;
        const type = document.createElement('span');
        type.className = 'type';
        type.textContent = step.type;
        const when = document.createElement('span');
        when.className = 'when';
        when.textContent = new Date(step.at).toLocaleTimeString() + ' · ' + step.actor;
        // The first thing the event changed, so the list reads without selecting each event.
        const gist = el('span', { class: 'gist' }, [step.changes[0] || '']);
        li.append(seq, type, gist, when);
        return li;
      }),
    );
    scrubber.max = String(Math.max(0, view.steps.length - 1));
    current.index = Math.max(0, Math.min(current.index, view.steps.length - 1));
    renderSelection();
  }

  function renderSelection(): void {
    if (!current) return;
    const view = current.view;
    const step = view.steps[current.index];
    scrubber.value = String(current.index);
    $('position').textContent = view.steps.length ? `event ${current.index + 1} of ${view.steps.length}` : 'no events';
    // What a screen reader says for the slider: the position and which event it is, not a bare number.
    scrubber.setAttribute('aria-valuetext', step ? `event ${current.index + 1} of ${view.steps.length}: ${step.type}, ${new Date(step.at).toLocaleTimeString()}` : 'no events');
    for (const li of Array.from(timeline.children)) {
      const selected = li instanceof HTMLElement && Number(li.dataset.index) === current.index;
      li.classList.toggle('selected', selected);
      li.setAttribute('aria-selected', String(selected));
      if (selected) li.scrollIntoView({ block: 'nearest' });
    }
    $('heading').textContent = step ? `What changed at ${new Date(step.at).toLocaleString()} (${step.actor})` : 'What changed';
    $('changes').replaceChildren(...(step ? step.changes.map((line) => el('li', {}, [line])) : []));
    $('event').textContent = step ? JSON.stringify({ seq: step.seq, at: step.at, type: step.type, actor: step.actor, data: step.data }, null, 2) : '';
    renderState(step);
  }

  function renderState(step: ReplayStepView | undefined): void {
    const box = $('state');
    if (!step || !step.state) {
      box.textContent = step ? '(the task does not exist after this event)' : '';
      return;
    }
    const state = step.state;
    const changed = new Set(step.changed);
    box.replaceChildren(
      ...Object.entries(state).map(([key, field]) => {
        const row = document.createElement('div');
        row.className = 'field' + (changed.has(key) ? ' changed' : '');
        const name = document.createElement('span');
        name.className = 'key';
        name.textContent = key;
        const value = document.createElement('pre');
        value.className = 'value';
        value.textContent = JSON.stringify(field, null, 2);
        row.append(name, value);
        return row;
      }),
    );
  }
}
