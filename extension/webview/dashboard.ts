/**
 * The Dashboard: draws the figures the extension computed as bar charts, with every number also as text. Agent names
 * go in as text only. Runs in a webview and on the web board.
 */
import type { BudgetLine, DashboardView } from '../src/model/dashboardView.js';
import type { DashboardInbound, DashboardOutbound } from '../src/webviews/livePanelMessages.js';
import { cutName, el } from './dom.js';
import type { PageHost } from './pageHost.js';

/** The Dashboard keeps nothing while hidden: the panel sends the figures again. */
export type DashboardHost = PageHost<DashboardInbound, DashboardOutbound, never>;

/** A bar of a horizontal chart; `kind` picks its look. */
type HBar = { label: string; value: number; kind?: string; tell?: string };

export function startDashboard(host: DashboardHost, page: HTMLElement): void {
  const duration = (ms: number | null): string => {
    if (ms === null) return '—';
    if (ms < 1000) return `${Math.round(ms)} ms`;
    const s = Math.round(ms / 1000);
    return s < 60 ? `${s}s` : s < 3600 ? `${Math.floor(s / 60)}m ${s % 60}s` : `${Math.floor(s / 3600)}h ${Math.floor((s % 3600) / 60)}m`;
  };
  const number = (n: number): string => n.toLocaleString();
  const money = (n: number): string => `$${n < 0.01 && n > 0 ? n.toFixed(4) : n.toFixed(2)}`;

  function card(label: string, value: string, kind = ''): HTMLElement {
    // A count that needs the user carries the mark of its kind (the Timeline's and the chart's), not colour alone.
    const mark = kind ? [el('i', { class: `swatch ${kind}`, 'aria-hidden': 'true' })] : [];
    return el('div', { class: `card${kind ? ' alert' : ''}` }, [el('div', { class: 'muted' }, [...mark, label]), el('div', { class: 'value' }, [value])]);
  }

  /** Horizontal bars: label, bar, value as text. */
  function hbars(title: string, bars: readonly HBar[], format: (n: number) => string): HTMLElement {
    const max = Math.max(1, ...bars.map((b) => b.value));
    const grid = el('div', { class: 'hbars', role: 'list' });
    for (const bar of bars) {
      const fill = el('div', { class: `fill${bar.kind ? ` k-${bar.kind}` : ''}` });
      fill.style.width = `${((bar.value / max) * 100).toFixed(2)}%`;
      grid.append(
        cutName(bar.label, bar.tell, { class: 'label', title: bar.label, role: 'listitem', 'aria-label': `${bar.label}: ${format(bar.value)}` }),
        el('div', { class: 'track', 'aria-hidden': 'true' }, bar.value ? [fill] : []),
        el('span', { 'aria-hidden': 'true' }, [format(bar.value)]),
      );
    }
    const body = bars.length ? grid : el('p', { class: 'muted' }, ['Nothing reported yet.']);
    return el('figure', { 'aria-label': title }, [el('h2', {}, [title]), body]);
  }

  function throughput(view: DashboardView): HTMLElement {
    const hours = view.throughput;
    const max = Math.max(1, ...hours.map((h) => h.done + h.failed));
    const chart = el('div', { class: 'vbars', role: 'list' });
    for (const h of hours) {
      const words = `${h.label}: ${h.done} done, ${h.failed} failed`;
      const col = el('div', { class: `col${h.dayStart ? ' day-start' : ''}`, role: 'listitem', 'aria-label': words, title: words });
      const done = el('div', { class: 'fill k-done' });
      done.style.height = `${(h.done / max) * 100}%`;
      const failed = el('div', { class: 'fill k-failed' });
      failed.style.height = `${(h.failed / max) * 100}%`;
      // An empty part is left out: its outline alone would read as a small count.
      col.append(...[h.done ? done : null, h.failed ? failed : null].filter((n) => n !== null));
      chart.append(col);
    }
    // The hours are named with their day: the first, each midnight between, and now.
    const axis = el('div', { class: 'vbars-axis', 'aria-hidden': 'true' });
    for (const mark of view.axis) {
      const label = el('span', {}, [mark.label]);
      const at = (mark.index / Math.max(1, hours.length)) * 100;
      if (mark.index === 0) label.style.left = '0';
      else if (mark.index >= hours.length) label.style.right = '0';
      else {
        label.style.left = `${at.toFixed(2)}%`;
        label.classList.add('mid');
      }
      axis.append(label);
    }
    const legend = el('div', { class: 'legend', 'aria-hidden': 'true' }, [
      el('span', {}, [el('i', { class: 'swatch k-done' }), 'done']),
      el('span', {}, [el('i', { class: 'swatch k-failed' }), 'failed']),
    ]);
    return el('figure', { 'aria-label': 'Finished per hour' }, [el('h2', {}, ['Finished per hour (last 24 h)']), legend, chart, axis]);
  }

  /** Each budget: its name, a meter of its spend with a tick at its forecast, and the status bar's words. */
  function budgets(lines: readonly BudgetLine[]): HTMLElement {
    const body = el('div', { class: 'budgets', role: 'list' });
    for (const line of lines) {
      const meter = el('div', { class: 'meter', 'aria-hidden': 'true' });
      const fill = el('div', { class: `fill k-budget-${line.state}` });
      fill.style.width = `${(Math.min(1, line.spent) * 100).toFixed(2)}%`;
      const forecast = el('div', { class: 'forecast', title: 'forecast by the end of the period' });
      forecast.style.left = `${(Math.min(1, line.forecast) * 100).toFixed(2)}%`;
      meter.append(...(line.spent > 0 ? [fill] : []), forecast);
      const state = line.state === 'exceeded' ? ' (exceeded)' : line.state === 'warning' ? ' (past 80 %)' : '';
      body.append(
        el('div', { class: 'budget', role: 'listitem', 'aria-label': line.detail, title: line.detail }, [
          el('div', { class: 'label' }, [line.name]),
          meter,
          el('div', { class: 'muted' }, [`${line.short}${state}`]),
        ]),
      );
    }
    const empty = el('p', { class: 'muted' }, ['No budget set. ', el('code', {}, ['agent-tracker budget set --period day --usd 20']), ' sets one.']);
    return el('figure', { 'aria-label': 'Spend against budget' }, [el('h2', {}, ['Spend against budget']), lines.length ? body : empty]);
  }

  function render(view: DashboardView): void {
    const counts = view.counts;
    const tightest = view.budgets?.[0];
    page.replaceChildren(
      el('h1', {}, ['Agent Dashboard']),
      el('p', { class: 'muted' }, [`as of ${new Date(view.at).toLocaleTimeString()}`]),
      // What the status bar says, counted the same way.
      el('div', { class: 'cards' }, [
        card('Needs you', number(counts.needs), counts.needs ? 'k-needs' : ''),
        card('Stuck', number(counts.stuck), counts.stuck ? 'k-stuck' : ''),
        card('Active', number(counts.active)),
        card('Open tasks', number(counts.open)),
        ...(tightest ? [card('Budget', tightest.short, tightest.state === 'ok' ? '' : `k-budget-${tightest.state}`)] : []),
      ]),
      el('div', { class: 'cards' }, [
        card('Finished (24 h)', number(view.finishedToday)),
        card('Success rate (24 h)', view.successRate === null ? '—' : `${Math.round(view.successRate * 100)}%`),
        card('Wait (mean / median)', `${duration(view.waitMs.mean)} / ${duration(view.waitMs.median)}`),
        card('Work (mean / median)', `${duration(view.workMs.mean)} / ${duration(view.workMs.median)}`),
      ]),
      el('div', { class: 'charts' }, [
        ...(view.budgets ? [budgets(view.budgets)] : []),
        hbars('Tasks by state', view.byState, number),
        throughput(view),
        hbars('Tokens per agent', view.tokensByAgent, number),
        hbars('Cost per agent', view.costByAgent, money),
        hbars('Tokens per day', view.tokensByDay, number),
        hbars('Cost per day', view.costByDay, money),
      ]),
    );
  }

  host.onMessage((message) => render(message.view));
  host.post({ type: 'ready' });
}
