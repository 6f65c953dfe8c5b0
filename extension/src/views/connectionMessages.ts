/**
 * What a view says above its rows about the connection: offline with the last known state. With nothing known yet,
 * the views are empty and their welcome says the daemon is not running, with Start Daemon.
 */
import type * as vscode from 'vscode';
import { Disposable } from '../common/lifecycle.js';
import type { TrackerModel } from '../model/trackerModel.js';

/** One stable line: the reason changes from retry to retry and is in the status bar's tooltip and the log. */
export function connectionMessage(model: TrackerModel): string {
  if (model.connection.kind !== 'disconnected' || !model.hasSnapshot) return '';
  return 'Offline: the daemon does not answer. Showing the last known state.';
}

/** Keeps the message of views that show nothing else there (Agents, History). */
export class ConnectionMessages extends Disposable {
  constructor(
    private readonly views: readonly vscode.TreeView<unknown>[],
    private readonly model: TrackerModel,
  ) {
    super();
    this.register(model.onDidChangeConnection(() => this.render()));
    this.render();
  }

  private render(): void {
    const message = connectionMessage(this.model) || undefined;
    for (const view of this.views) view.message = message;
  }
}
