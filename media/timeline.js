// The Timeline: draws the lanes and bars the extension computed. Titles go in as text (textContent and attributes),
// never as markup. Each bar is a button: Tab reaches it, Enter or a click opens the task's page, arrows move along a lane.
(function () {
  // In a webview: VS Code's API and the page's one element. On the web board: the board's stand-ins (web/pageHost.ts).
  const host = window.agentTrackerHost;
  const vscode = host ? host.api('timeline') : acquireVsCodeApi();
  const page = /** @type {HTMLElement} */ (host ? host.page('timeline') : document.getElementById('page'));
  const inbox = host ? host.inbox('timeline') : window;

  const clock = (/** @type {number} */ ms) => new Date(ms).toLocaleTimeString(undefined, { hour: '2-digit', minute: '2-digit' });

  function render(/** @type {any} */ view) {
    const span = Math.max(1, view.to - view.from);
    const pct = (/** @type {number} */ t) => `${(((t - view.from) / span) * 100).toFixed(3)}%`;
    const width = (/** @type {number} */ a, /** @type {number} */ b) => `${((Math.max(0, b - a) / span) * 100).toFixed(3)}%`;
    const legend = el('div', { class: 'legend', 'aria-hidden': 'true' }, [
      ...['active', 'done', 'failed', 'paused', 'pending', 'cancelled'].map((s) => el('span', { class: `s-${s}` }, [s])),
      el('span', { class: 'm-stuck' }, ['stuck']),
      el('span', { class: 'm-needs' }, ['waiting for you']),
    ]);
    const axis = el('div', { class: 'axis', 'aria-hidden': 'true' });
    const hour = 3600000;
    for (let t = Math.ceil(view.from / hour) * hour; t <= view.to; t += hour) {
      const tick = el('span', { class: 'tick' }, [clock(t)]);
      tick.style.left = pct(t);
      axis.append(tick);
    }
    const grid = el('div', { class: 'lanes', role: 'list', 'aria-label': 'Agents' });
    grid.append(el('span'), axis);
    for (const lane of view.lanes) {
      const name = el('div', { class: 'lane-name', title: lane.kind ? `${lane.name} (${lane.kind})` : lane.name }, [lane.name]);
      const track = el('div', { class: 'track', role: 'listitem', 'aria-label': `${lane.name}: ${lane.bars.length} tasks` });
      for (const bar of lane.bars) {
        const label = `${bar.title}: ${bar.stateText}, ${clock(bar.start)} to ${bar.open ? 'now' : clock(bar.end)}`;
        const button = el('button', { class: `bar s-${bar.state}${bar.open ? ' open' : ''}`, title: label, 'aria-label': label, 'data-task': bar.taskId, type: 'button' });
        button.style.left = pct(bar.start);
        button.style.width = width(bar.start, bar.end);
        track.append(button);
        for (const mark of bar.marks) {
          const m = el('div', { class: `mark ${mark.kind}`, 'aria-hidden': 'true' });
          m.style.left = pct(mark.start);
          m.style.width = width(mark.start, mark.end);
          track.append(m);
        }
      }
      grid.append(name, track);
    }
    const omitted = view.omitted ? [el('p', { class: 'muted' }, [`${view.omitted} older bars are not shown.`])] : [];
    const empty = view.lanes.length ? [] : [el('p', { class: 'muted' }, ['No agent has reported yet.'])];
    page.replaceChildren(
      el('h1', {}, ['Agent Timeline']),
      el('p', { class: 'muted' }, [`${clock(view.from)} to ${clock(view.to)}, one lane per agent`]),
      legend,
      ...empty,
      grid,
      ...omitted,
    );
  }

  page.addEventListener('click', (event) => {
    const bar = /** @type {HTMLElement} */ (event.target).closest('.bar');
    if (bar instanceof HTMLElement && bar.dataset.task) vscode.postMessage({ type: 'open', taskId: bar.dataset.task });
  });
  page.addEventListener('keydown', (event) => {
    const bar = /** @type {HTMLElement} */ (event.target);
    if (!bar.classList.contains('bar')) return;
    const bars = Array.from(bar.parentElement ? bar.parentElement.querySelectorAll('.bar') : []);
    const i = bars.indexOf(bar);
    const next = event.key === 'ArrowRight' ? bars[i + 1] : event.key === 'ArrowLeft' ? bars[i - 1] : undefined;
    if (next instanceof HTMLElement) {
      next.focus();
      event.preventDefault();
    }
  });
  inbox.addEventListener('message', (event) => {
    if (event.data && event.data.type === 'render') render(event.data.view);
  });
  vscode.postMessage({ type: 'ready' });
})();
