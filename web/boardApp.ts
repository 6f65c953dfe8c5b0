/**
 * The web board: the extension's vscode-free model (TrackerModel and the trees that group it) kept live over the
 * stream, drawn as plain DOM. Tasks (needs you first), agents, history, a task's page, the timeline and the dashboard;
 * the last three are the extension's own webview scripts, fed the same views the extension computes.
 */
import { TrackerModel } from '../extension/src/model/trackerModel.js';
import { TaskTree, TASK_GROUP_LABELS } from '../extension/src/model/taskTree.js';
import { AgentTree } from '../extension/src/model/agentTree.js';
import { taskPageView, type TaskAction } from '../extension/src/model/taskPageView.js';
import { timelineView, type TimelineZoom } from '../extension/src/model/timelineView.js';
import { dashboardView } from '../extension/src/model/dashboardView.js';
import { dayLabel, localDayKey } from '../extension/src/model/format.js';
import { needsInputOf } from '../extension/src/model/plainWords.js';
import { describeError, isFinished, type Task, type TrackerEvent } from '#protocol';
import { boardApi } from './boardApi.js';
import { BoardConnection } from './boardConnection.js';
import { PendingApprovals } from './approvalsView.js';
import { el } from '../extension/webview/dom.js';
import { onPageMessage, pageElement, sendToPage as sendRaw, type PageMessage, type PageName, type PageOutbound } from './boardPageHost.js';
import { plainData, plainText } from '../extension/src/model/plainText.js';
import { agentDescription, taskDescription, taskTitle, type RowSources } from './rows.js';

type Route = { view: 'tasks' | 'agents' | 'history' | 'timeline' | 'dashboard' } | { view: 'task'; taskId: string };

const NAV: { view: Exclude<Route['view'], 'task'>; label: string }[] = [
  { view: 'tasks', label: 'Tasks' },
  { view: 'agents', label: 'Agents' },
  { view: 'history', label: 'History' },
  { view: 'timeline', label: 'Timeline' },
  { view: 'dashboard', label: 'Dashboard' },
];
const HISTORY_PAGE = 100;
const TICK_MS = 30_000;

export function startBoard(root: HTMLElement): void {
  const model = new TrackerModel();
  const tree = new TaskTree(model, { stuckAfterMs: 0 });
  const agents = new AgentTree(model);
  const board = new Board(root, model, tree, agents);
  const connection = new BoardConnection(
    model,
    () => board.showLoggedOut(),
    (event) => {
      if (event.type.startsWith('approval.')) board.approvals.refresh();
    },
    () => board.approvals.refresh(),
  );
  board.onLogout = async () => {
    connection.stop();
    await boardApi.logout();
    board.showLoggedOut();
  };
  connection.start();
}

class Board {
  private readonly header: HTMLElement;
  private readonly status: HTMLElement;
  private readonly nav: HTMLElement;
  private readonly main: HTMLElement;
  private route: Route = parseRoute();
  private scheduled = false;
  private historyShown = HISTORY_PAGE;
  private taskEvents: { taskId: string; events: TrackerEvent[]; loading: boolean } | undefined;
  private loggedOut = false;
  /** The Timeline's window, as last chosen on its page. */
  private timelineZoom: TimelineZoom = 'fit';
  private firstRendered = false;
  private readonly rows = new Map<string, { key: string; row: HTMLElement; sub?: HTMLElement }>();
  /** The Tasks view's sections, kept between draws so that a change moves only the rows it concerns. */
  private readonly groupSections = new Map<string, { section: HTMLElement; heading: HTMLElement; list: HTMLElement; more: HTMLElement }>();
  readonly approvals = new PendingApprovals(() => this.schedule());
  onLogout: () => Promise<void> = async () => undefined;

  constructor(
    private readonly root: HTMLElement,
    private readonly model: TrackerModel,
    private readonly tree: TaskTree,
    private readonly agents: AgentTree,
  ) {
    this.status = el('span', { class: 'b-status', role: 'status', 'aria-live': 'polite' });
    this.nav = el('nav', { class: 'b-nav', 'aria-label': 'Views' });
    const logout = el('button', { type: 'button', class: 'b-logout' }, ['Log out']);
    logout.addEventListener('click', () => void this.onLogout());
    this.header = el('header', { class: 'b-header' }, [el('div', { class: 'b-brand' }, [el('strong', {}, ['Agent Tracker']), this.status, logout]), this.nav]);
    this.main = el('main', { class: 'b-main', id: 'main' });
    root.replaceChildren(this.header, this.main);
    model.onDidChange((change) => {
      if (change.reset) this.rows.clear();
      for (const id of change.tasks) if (!model.getTask(id)) this.rows.delete(id);
      if (this.route.view === 'task' && this.taskEvents && change.tasks.has(this.route.taskId)) void this.loadTaskEvents(this.route.taskId);
      this.schedule();
    });
    model.onDidChangeConnection(() => this.schedule());
    window.addEventListener('hashchange', () => {
      this.route = parseRoute();
      this.historyShown = HISTORY_PAGE;
      this.render();
      window.scrollTo(0, 0);
    });
    onPageMessage(({ message }) => this.onPageMessage(message));
    window.setInterval(() => this.schedule(), TICK_MS);
    this.render();
  }

  showLoggedOut(): void {
    this.loggedOut = true;
    this.root.replaceChildren(
      el('main', { class: 'message' }, [
        el('h1', {}, ['Not logged in']),
        el('p', {}, ['Run this on the machine of the daemon to open the board (the link works once, within 60 seconds):']),
        el('pre', {}, ['agent-tracker open']),
        el('p', { class: 'muted' }, ['or print the link with agent-tracker open --print.']),
      ]),
    );
  }

  /** One redraw per frame, however many changes arrived in it. */
  private schedule(): void {
    if (this.scheduled || this.loggedOut) return;
    this.scheduled = true;
    requestAnimationFrame(() => {
      this.scheduled = false;
      this.render();
    });
  }

  private render(): void {
    if (this.loggedOut) return;
    this.renderHeader();
    if (!this.model.hasSnapshot) {
      this.main.replaceChildren(el('p', { class: 'muted' }, ['Loading…']));
      return;
    }
    this.renderView();
    if (!this.firstRendered) {
      this.firstRendered = true;
      // The benchmark reads this: the board drawn from its first snapshot.
      performance.mark('board:first-render');
    }
  }

  private renderView(): void {
    switch (this.route.view) {
      case 'tasks':
        return this.renderTasks();
      case 'agents':
        return this.renderAgents();
      case 'history':
        return this.renderHistory();
      case 'task':
        return this.renderTask(this.route.taskId);
      case 'timeline':
        sendToPage('timeline', { type: 'render', view: timelineView(this.model.tasks(), this.model.agents(), Date.now(), this.timelineZoom) });
        return this.show(pageElement('timeline'));
      case 'dashboard':
        sendToPage('dashboard', { type: 'render', view: dashboardView({ tasks: this.model.tasks(), agents: this.model.agents(), counts: this.tree.counts() }, Date.now()) });
        return this.show(pageElement('dashboard'));
    }
  }

  /** A page script's element, with what goes above it; the element stays in place when nothing else changed. */
  private show(node: HTMLElement, above: HTMLElement[] = []): void {
    if (above.length === 0 && this.main.firstChild === node && this.main.childNodes.length === 1) return;
    this.main.replaceChildren(...above, node);
  }

  private renderHeader(): void {
    const c = this.model.connection;
    const needs = this.tree.attentionCount();
    this.status.textContent = c.kind === 'connected' ? (needs ? `${needs} need you` : 'live') : c.kind === 'connecting' ? 'connecting…' : `offline: ${c.reason}`;
    this.status.className = `b-status ${c.kind}${needs ? ' needs-you' : ''}`;
    const current = this.route.view === 'task' ? 'tasks' : this.route.view;
    this.nav.replaceChildren(
      ...NAV.map(({ view, label }) => {
        const link = el('a', { href: `#/${view}` }, [label]);
        if (view === current) link.setAttribute('aria-current', 'page');
        return link;
      }),
    );
  }

  private sources(): RowSources {
    return {
      agent: (id) => this.model.getAgent(id),
      task: (id) => this.model.getTask(id),
      blockers: (task) => this.tree.blockers(task),
      hasTwin: (id) => this.tree.hasTwin(id),
      now: Date.now(),
    };
  }

  /**
   * A task's row, reused from the last draw when its words have not changed: a redraw of thousands of rows then only
   * moves elements rather than building them again.
   */
  private taskRow(task: Task, src: RowSources, depth = 0): HTMLElement {
    const childRows: HTMLElement[] = [];
    if (depth < 3) {
      for (const id of this.tree.taskChildren(task.id)) {
        const child = this.model.getTask(id);
        if (child) childRows.push(this.taskRow(child, src, depth + 1));
      }
    }
    const title = taskTitle(task, src);
    const description = taskDescription(task, src);
    const className = `b-row s-${task.state}${task.stuck ? ' stuck' : ''}${needsInputOf(task) ? ' needs' : ''}`;
    const key = `${className}\n${title}\n${description}`;
    let cached = this.rows.get(task.id);
    if (!cached || cached.key !== key) {
      const link = el('a', { href: `#/task/${encodeURIComponent(task.id)}`, class: 'b-title' }, [title]);
      cached = { key, row: el('li', { class: className, 'data-task': task.id }, [link, el('div', { class: 'b-desc' }, [description])]) };
      this.rows.set(task.id, cached);
    }
    const row = cached.row;
    if (childRows.length) {
      if (!cached.sub) row.append((cached.sub = el('ul', { class: 'b-list b-sub' })));
      reconcile(cached.sub, childRows);
    } else if (cached.sub) {
      cached.sub.remove();
      cached.sub = undefined;
    }
    return row;
  }

  /** Pending approvals as a section (all of them, or one task's), or nothing. */
  private approvalSection(taskId?: string): HTMLElement[] {
    const items = taskId ? this.approvals.forTask(taskId) : this.approvals.all;
    if (!items.length) return [];
    const now = Date.now();
    const src = {
      agentName: (id: string) => this.model.getAgent(id)?.name || id,
      taskTitle: (id: string) => this.model.getTask(id)?.title,
    };
    return [
      el('section', { class: 'b-group g-decide', 'aria-label': 'Waiting for your decision' }, [
        el('h2', {}, [`Waiting for your decision (${items.length})`]),
        el('ul', { class: 'b-list' }, items.map((a) => this.approvals.card(a, src, now))),
      ]),
    ];
  }

  private renderTasks(): void {
    const src = this.sources();
    const sections: HTMLElement[] = [...this.approvalSection()];
    for (const group of this.tree.roots()) {
      const rows: HTMLElement[] = [];
      for (const id of this.tree.groupChildren(group)) {
        const task = this.model.getTask(id);
        if (task) rows.push(this.taskRow(task, src));
      }
      let entry = this.groupSections.get(group);
      if (!entry) {
        const heading = el('h2');
        const list = el('ul', { class: 'b-list' });
        const more = el('p', { class: 'muted' });
        const section = el('section', { class: `b-group g-${group}`, 'aria-label': TASK_GROUP_LABELS[group] }, [heading, list, more]);
        this.groupSections.set(group, (entry = { section, heading, list, more }));
      }
      setText(entry.heading, `${TASK_GROUP_LABELS[group]} (${this.tree.groupTotal(group)})`);
      const overflow = this.tree.groupOverflow(group);
      setText(entry.more, overflow ? `and ${overflow} more` : '');
      reconcile(entry.list, rows);
      sections.push(entry.section);
    }
    if (!sections.length) sections.push(el('p', { class: 'muted' }, ['No open tasks. Tasks appear here as agents report them.']));
    reconcile(this.main, sections);
  }

  private renderAgents(): void {
    const now = Date.now();
    // The Agents view's order and words: what needs the user first.
    const ids = this.agents.roots();
    const rows = ids.map((id) => {
      const agent = this.model.getAgent(id);
      if (!agent) return el('li');
      const status = this.agents.rowStatusOf(id);
      const tasks = this.agents.tasksOf(id).map((t) => this.model.getTask(t)).filter((t): t is Task => t !== undefined);
      const src = this.sources();
      return el('li', { class: `b-row a-${status.replace(' ', '-')}`, 'data-agent': id }, [
        el('span', { class: 'b-title' }, [plainText(agent.name || id)]),
        el('div', { class: 'b-desc' }, [agentDescription(agent, status, this.agents.currentStep(id), this.agents.openTaskCount(id), now)]),
        ...(tasks.length ? [el('ul', { class: 'b-list b-sub' }, tasks.slice(0, 20).map((t) => this.taskRow(t, src, 3)))] : []),
      ]);
    });
    this.main.replaceChildren(
      el('section', { 'aria-label': 'Agents' }, [
        el('h2', {}, [`Agents (${ids.length})`]),
        ids.length ? el('ul', { class: 'b-list' }, rows) : el('p', { class: 'muted' }, ['No agent has reported yet.']),
      ]),
    );
  }

  private renderHistory(): void {
    const finished = [...this.model.tasks()].filter((t) => isFinished(t.state) && !t.archived);
    finished.sort((a, b) => (b.completedAt ?? b.updatedAt).localeCompare(a.completedAt ?? a.updatedAt));
    const src = this.sources();
    const days = new Map<string, Task[]>();
    for (const task of finished.slice(0, this.historyShown)) {
      const day = localDayKey(task.completedAt ?? task.updatedAt);
      let list = days.get(day);
      if (!list) days.set(day, (list = []));
      list.push(task);
    }
    const sections = [...days].map(([day, tasks]) =>
      el('section', { 'aria-label': dayLabel(day, src.now) }, [el('h2', {}, [`${dayLabel(day, src.now)} (${tasks.length})`]), el('ul', { class: 'b-list' }, tasks.map((t) => this.taskRow(t, src, 3)))]),
    );
    if (!sections.length) sections.push(el('p', { class: 'muted' }, ['No finished tasks yet.']));
    if (finished.length > this.historyShown) {
      const more = el('button', { type: 'button' }, [`Show more (${finished.length - this.historyShown} older)`]);
      more.addEventListener('click', () => {
        this.historyShown += HISTORY_PAGE;
        this.render();
      });
      sections.push(more);
    }
    this.main.replaceChildren(...sections);
  }

  private renderTask(taskId: string): void {
    const task = this.model.getTask(taskId);
    if (!task) {
      sendToPage('taskPage', { type: 'missing', taskId });
      return this.show(pageElement('taskPage'));
    }
    if (this.taskEvents?.taskId !== taskId) {
      this.taskEvents = { taskId, events: [], loading: false };
      void this.loadTaskEvents(taskId);
    }
    const view = taskPageView(
      task,
      {
        task: (id) => this.model.getTask(id),
        agent: (id) => this.model.getAgent(id),
        agents: this.agents,
        subtasksOf: (id) => this.tree.subtasksOf(id).map((s) => this.model.getTask(s)).filter((t): t is Task => t !== undefined),
        dependentsOf: (id) => this.tree.dependentsOf(id).map((s) => this.model.getTask(s)).filter((t): t is Task => t !== undefined),
      },
      this.taskEvents.events,
    );
    // Replaying a task's events is the extension's panel; the board shows the log.
    view.actions = view.actions.filter((a) => a !== 'replay');
    document.title = `${plainText(task.title).slice(0, 60)} · Agent Tracker`;
    sendToPage('taskPage', { type: 'render', view, preview: false });
    this.show(pageElement('taskPage'), this.approvalSection(taskId));
  }

  private async loadTaskEvents(taskId: string): Promise<void> {
    const entry = this.taskEvents;
    if (!entry || entry.taskId !== taskId || entry.loading) return;
    entry.loading = true;
    try {
      entry.events = await boardApi.taskEvents(taskId);
    } catch {
      // The page shows what the model holds; the log comes with the next change.
    } finally {
      entry.loading = false;
    }
    if (this.route.view === 'task' && this.route.taskId === taskId) this.schedule();
  }

  private onPageMessage(message: PageMessage['message']): void {
    switch (message.type) {
      case 'open':
        location.hash = `#/task/${encodeURIComponent(message.taskId)}`;
        return;
      case 'choose':
        this.timelineZoom = message.value;
        return this.render();
      case 'action':
        if (this.route.view === 'task') void this.act(this.route.taskId, message.action);
        return;
    }
  }

  private async act(taskId: string, action: TaskAction): Promise<void> {
    try {
      if (action === 'retry') await boardApi.transition(taskId, 'pending', 'retried from the web board');
      else if (action === 'cancel') {
        if (!window.confirm('Cancel this task?')) return;
        await boardApi.transition(taskId, 'cancelled', 'cancelled from the web board');
      } else if (action === 'reset') await boardApi.reset(taskId, 'pending', 'reset from the web board');
    } catch (error) {
      window.alert(describeError(error));
    }
  }
}

/**
 * Makes `parent`'s children exactly `nodes`, in order, touching only what differs: nodes no longer wanted go, each
 * wanted node is moved only when it is not already next. A new row among a thousand is one insertion, not a redraw.
 */
function reconcile(parent: HTMLElement, nodes: readonly HTMLElement[]): void {
  const wanted = new Set<Node>(nodes);
  for (let child = parent.firstChild; child; ) {
    const next = child.nextSibling;
    if (!wanted.has(child)) child.remove();
    child = next;
  }
  let cursor = parent.firstChild;
  for (const node of nodes) {
    if (node === cursor) cursor = cursor.nextSibling;
    else parent.insertBefore(node, cursor);
  }
}

function setText(node: HTMLElement, text: string): void {
  if (node.textContent !== text) node.textContent = text;
}

/** Views go to the pages through the sanitiser the webview panels use: what the page shows is what the text is. */
function sendToPage<P extends PageName>(name: P, message: PageOutbound<P>): void {
  sendRaw(name, plainData(message));
}

function parseRoute(): Route {
  const hash = location.hash.replace(/^#\/?/, '');
  if (hash.startsWith('task/')) return { view: 'task', taskId: decodeURIComponent(hash.slice('task/'.length)) };
  const view = NAV.find((n) => n.view === hash)?.view;
  return { view: view ?? 'tasks' };
}
