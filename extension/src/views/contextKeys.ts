/** Context keys for `when` clauses: the welcome content and menus depend on the connection. */
import * as vscode from 'vscode';
import { Disposable } from '../common/lifecycle.js';
import type { TrackerModel } from '../model/trackerModel.js';

export class ConnectionContextKeys extends Disposable {
  private last: string | undefined;

  constructor(model: TrackerModel) {
    super();
    this.register(model.onDidChangeConnection((state) => this.set(state.kind)));
    this.set(model.connection.kind);
  }

  private set(kind: string): void {
    if (kind === this.last) return;
    this.last = kind;
    void vscode.commands.executeCommand('setContext', 'agentTracker.connection', kind);
  }
}
