/**
 * The Timeline: draws the lanes and bars the extension computed, in the window it chose. Titles go in as text
 * (textContent and attributes), never as markup. Each bar is a button: Tab reaches it, Enter or a click opens the task's
 * page, arrows move along a lane. The zoom buttons ask the extension for another window; the choice is kept with the
 * page's state, so the panel opens again as it was left. Runs in a webview and on the web board.
 */
import { isTimelineZoom, type TimelineView, type TimelineZoom } from '../src/model/timelineView.js';
import type { TimelineInbound, TimelineOutbound } from '../src/webviews/livePanelMessages.js';
import { cutName, el } from './dom.js';
import type { PageHost } from './pageHost.js';

/** What the page keeps: the window last chosen. */
export interface TimelineState {
  zoom: TimelineZoom;
}

export type TimelineHost = PageHost<TimelineInbound, TimelineOutbound, TimelineState>;

const ZOOMS: Record<TimelineZoom, string> = { fit: 'Fit', '15m': '15 min', '1h': '1 h', '6h': '6 h', '24h': '24 h' };
/** Each kind of bar: its words in the legend. The stylesheet gives each a colour and a pattern of its own. */
const KINDS = [
  ['active', 'active'],
  ['needs', 'waiting for you'],
  ['stuck', 'stuck'],
  ['paused', 'paused'],
  ['pending', 'pending'],
  ['done', 'done'],
  ['failed', 'failed'],
  ['cancelled', 'cancelled'],
] as const;

/** The height of a row of bars in a lane (a bar and the gap below it). */
const ROW_PX = 21;

const clock = (ms: number): string => new Date(ms).toLocaleTimeString(undefined, { hour: '2-digit', minute: '2-digit' });
const day = (ms: number): string => new Date(ms).toLocaleDateString(undefined, { weekday: 'short', day: 'numeric', month: 'short' });
const sameDay = (a: number, b: number): boolean => new Date(a).toDateString() === new Date(b).toDateString();

export function startTimeline(host: TimelineHost, page: HTMLElement): void {
  function zoomBar(current: TimelineZoom): HTMLElement {
    const group = el('div', { class: 'zoom', role: 'group', 'aria-label': 'Window' });
    for (const [zoom, label] of Object.entries(ZOOMS)) {
      const title = zoom === 'fit' ? 'Fit the work of the last day' : `The last ${label}`;
      group.append(el('button', { type: 'button', 'data-zoom': zoom, 'aria-pressed': String(zoom === current), title }, [label]));
    }
    return group;
  }

  function render(view: TimelineView): void {
    const span = Math.max(1, view.to - view.from);
    const pct = (t: number): string => `${(((t - view.from) / span) * 100).toFixed(3)}%`;
    const width = (a: number, b: number): string => `${((Math.max(0, b - a) / span) * 100).toFixed(3)}%`;
    const legend = el('div', { class: 'legend', 'aria-hidden': 'true' }, KINDS.map(([kind, words]) => el('span', {}, [el('i', { class: `swatch k-${kind}` }), words])));
    const axis = el('div', { class: 'axis', 'aria-hidden': 'true' });
    let previous = view.from;
    // Ticks less than a minute apart say their seconds.
    const tickClock = (t: number): string => (view.tickMs < 60000 ? new Date(t).toLocaleTimeString(undefined, { hour: '2-digit', minute: '2-digit', second: '2-digit' }) : clock(t));
    view.ticks.forEach((t, i) => {
      // A tick names its day where the day changes, so "00:00" cannot be read as today's.
      const tick = el('span', { class: `tick${i % 2 ? ' odd' : ''}` }, [sameDay(t, previous) ? tickClock(t) : `${day(t)} ${tickClock(t)}`]);
      tick.style.left = pct(t);
      axis.append(tick);
      previous = t;
    });
    const nowTick = el('span', { class: 'now-label' }, ['now']);
    nowTick.style.left = pct(view.now);
    axis.append(nowTick);
    const grid = el('div', { class: 'lanes', role: 'list', 'aria-label': 'Agents' });
    grid.append(el('span'), axis);
    for (const lane of view.lanes) {
      const name = cutName(lane.name, lane.tell, { class: 'lane-name', title: lane.kind ? `${lane.name} (${lane.kind})` : lane.name });
      const count = lane.bars.length === 1 ? '1 task' : `${lane.bars.length} tasks`;
      const track = el('div', { class: 'track', role: 'listitem', 'aria-label': `${lane.name}: ${count}` });
      track.style.height = `${lane.rows * ROW_PX + 6}px`;
      for (const bar of lane.bars) {
        const label = `${bar.title}: ${bar.stateText}, ${clock(bar.start)} to ${bar.open ? 'now' : clock(bar.end)}`;
        const button = el('button', { class: `bar k-${bar.state}${bar.open ? ' open' : ''}`, title: label, 'aria-label': label, 'data-task': bar.taskId, type: 'button' }, [
          el('span', { class: 'bar-label', 'aria-hidden': 'true' }, [bar.title]),
        ]);
        button.style.left = pct(bar.start);
        button.style.top = `${3 + bar.row * ROW_PX}px`;
        button.style.width = width(bar.start, bar.end);
        track.append(button);
        for (const mark of bar.marks) {
          const m = el('div', { class: `mark k-${mark.kind}`, 'aria-hidden': 'true' });
          m.style.left = pct(mark.start);
          m.style.top = `${3 + bar.row * ROW_PX}px`;
          m.style.width = width(mark.start, mark.end);
          track.append(m);
        }
      }
      const now = el('div', { class: 'now', 'aria-hidden': 'true' });
      now.style.left = pct(view.now);
      track.append(now);
      grid.append(name, track);
    }
    const omitted = view.omitted ? [el('p', { class: 'muted' }, [`${view.omitted} older bars are not shown.`])] : [];
    const empty = view.lanes.length ? [] : [el('p', { class: 'muted' }, ['No agent has reported in this window.'])];
    const focused = focusedKey();
    const range = sameDay(view.from, view.now) ? `${clock(view.from)} to now` : `${day(view.from)} ${clock(view.from)} to now`;
    page.replaceChildren(
      el('h1', {}, ['Agent Timeline']),
      el('div', { class: 'toolbar' }, [el('p', { class: 'muted' }, [`${range}, one lane per agent`]), zoomBar(view.zoom)]),
      legend,
      ...empty,
      grid,
      ...omitted,
    );
    refocus(focused);
  }

  /** What has the keyboard focus in the page (a zoom button or a task's bar), so that a redraw can give it back. */
  function focusedKey(): FocusKey | undefined {
    const active = document.activeElement;
    if (!(active instanceof HTMLElement) || !page.contains(active)) return undefined;
    return active.dataset.zoom ? { zoom: active.dataset.zoom } : active.dataset.task ? { task: active.dataset.task } : undefined;
  }

  function refocus(key: FocusKey | undefined): void {
    if (!key) return;
    for (const node of page.querySelectorAll('[data-zoom], [data-task]')) {
      if (node instanceof HTMLElement && ((key.zoom && node.dataset.zoom === key.zoom) || (key.task && node.dataset.task === key.task))) return node.focus();
    }
  }

  page.addEventListener('click', (event) => {
    if (!(event.target instanceof Element)) return;
    const zoom = event.target.closest('[data-zoom]');
    const chosen = zoom instanceof HTMLElement ? zoom.dataset.zoom : undefined;
    if (isTimelineZoom(chosen)) {
      host.setState({ zoom: chosen });
      host.post({ type: 'choose', value: chosen });
      return;
    }
    const bar = event.target.closest('.bar');
    if (bar instanceof HTMLElement && bar.dataset.task) host.post({ type: 'open', taskId: bar.dataset.task });
  });
  page.addEventListener('keydown', (event) => {
    const bar = event.target;
    if (!(bar instanceof HTMLElement) || !bar.classList.contains('bar')) return;
    const bars = Array.from(bar.parentElement ? bar.parentElement.querySelectorAll('.bar') : []);
    const i = bars.indexOf(bar);
    const next = event.key === 'ArrowRight' ? bars[i + 1] : event.key === 'ArrowLeft' ? bars[i - 1] : undefined;
    if (next instanceof HTMLElement) {
      next.focus();
      event.preventDefault();
    }
  });
  host.onMessage((message) => render(message.view));
  const saved = host.getState();
  if (saved) host.post({ type: 'choose', value: saved.zoom });
  host.post({ type: 'ready' });
}

/** A focusable thing of the page: a zoom button or a task's bar. */
type FocusKey = { zoom: string; task?: undefined } | { task: string; zoom?: undefined };
