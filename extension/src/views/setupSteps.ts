/**
 * What Connect Agents… leaves to the user (Codex runs its hooks only once the user trusts them in its `/hooks`
 * review), kept until it is done: shown at the top of the Agents view, remembered across windows, and checked again
 * (`hooks status`) on Check Again, when the window gets the focus back, and when an agent of that kind reports.
 */
import * as vscode from 'vscode';
import { Disposable } from '../common/lifecycle.js';
import type { TrackerModel } from '../model/trackerModel.js';
import { describeError } from '../model/protocol.js';

export interface SetupStep {
  /** The agent kind (`codex`). */
  agent: string;
  /** Its name (`Codex`). */
  name: string;
  /** What to do, in the installer's words. */
  how: string;
}

/** What `hooks status` says of one agent, as far as the steps need it. */
export interface SetupStatus {
  agent: string;
  name: string;
  installed: boolean;
  trust?: { pending: boolean; how: string };
}

const STATE_KEY = 'setupSteps';
/** Focus comes and goes, and an agent reports often: the CLI is asked at most this often on their account. */
const AUTO_RECHECK_MS = 10_000;

export function stepsOf(statuses: readonly SetupStatus[]): SetupStep[] {
  return statuses.filter((s) => s.installed && s.trust?.pending).map((s) => ({ agent: s.agent, name: s.name || s.agent, how: s.trust?.how ?? '' }));
}

export class SetupSteps extends Disposable {
  private list: SetupStep[];
  private lastAutoCheck = 0;
  private readonly changeEmitter = this.register(new vscode.EventEmitter<readonly SetupStep[]>());
  readonly onDidChange = this.changeEmitter.event;

  constructor(
    private readonly state: vscode.Memento,
    private readonly check: () => Promise<readonly SetupStatus[]>,
    model: TrackerModel,
    private readonly log: (message: string) => void,
  ) {
    super();
    this.list = readSteps(state.get<unknown>(STATE_KEY));
    void this.setContext();
    this.register(
      vscode.window.onDidChangeWindowState((window) => {
        if (window.focused) this.recheckSoon();
      }),
    );
    // A session of an agent whose hooks were not trusted yet: they run now.
    this.register(
      model.onDidChange((change) => {
        if (!this.list.length) return;
        for (const id of change.agents) if (this.list.some((s) => s.agent === model.getAgent(id)?.meta.kind)) return this.recheckSoon();
      }),
    );
    if (this.list.length) void this.recheck();
  }

  get steps(): readonly SetupStep[] {
    return this.list;
  }

  /** Asks `hooks status` again; returns the steps still left. */
  async recheck(): Promise<readonly SetupStep[]> {
    try {
      await this.update(await this.check());
    } catch (error) {
      this.log(`setup steps: ${describeError(error)}`);
    }
    return this.list;
  }

  private recheckSoon(): void {
    if (!this.list.length || Date.now() - this.lastAutoCheck < AUTO_RECHECK_MS) return;
    this.lastAutoCheck = Date.now();
    void this.recheck();
  }

  /** The steps as `hooks status` says they are now. */
  async update(statuses: readonly SetupStatus[]): Promise<void> {
    const next = stepsOf(statuses);
    const done = this.list.filter((s) => !next.some((n) => n.agent === s.agent));
    if (JSON.stringify(next) === JSON.stringify(this.list)) return;
    this.list = next;
    await this.state.update(STATE_KEY, next);
    await this.setContext();
    this.changeEmitter.fire(next);
    for (const step of done) void vscode.window.showInformationMessage(`Agent Tracker: ${step.name} runs the hooks now; its sessions appear in the Agents view.`);
  }

  private async setContext(): Promise<void> {
    await vscode.commands.executeCommand('setContext', 'agentTracker.setupPending', this.list.length > 0);
  }
}

function readSteps(raw: unknown): SetupStep[] {
  if (!Array.isArray(raw)) return [];
  return (raw as unknown[]).filter(
    (s): s is SetupStep => typeof s === 'object' && s !== null && ['agent', 'name', 'how'].every((key) => typeof (s as Record<string, unknown>)[key] === 'string'),
  );
}
