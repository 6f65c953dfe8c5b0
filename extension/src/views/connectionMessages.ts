/**
 * What a view says above its rows about the connection: offline with the last known state, or which home folder was
 * searched for a daemon (the welcome text cannot name it: it is static).
 */
import type * as vscode from 'vscode';
import { Disposable } from '../common/lifecycle.js';
import type { TrackerModel } from '../model/trackerModel.js';

export function connectionMessage(model: TrackerModel, home: string): string {
  const connection = model.connection;
  if (connection.kind !== 'disconnected') return '';
  if (model.hasSnapshot) return `Offline (${connection.reason}): showing the last known state.`;
  return `No daemon answers in ${home} (${connection.reason}).`;
}

/** Keeps the message of views that show nothing else there (Agents, History). */
export class ConnectionMessages extends Disposable {
  constructor(
    private readonly views: readonly vscode.TreeView<unknown>[],
    private readonly model: TrackerModel,
    private readonly home: () => string,
  ) {
    super();
    this.register(model.onDidChangeConnection(() => this.render()));
    this.render();
  }

  private render(): void {
    const message = connectionMessage(this.model, this.home()) || undefined;
    for (const view of this.views) view.message = message;
  }
}
