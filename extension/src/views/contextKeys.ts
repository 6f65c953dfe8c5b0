/**
 * Context keys for `when` clauses: the welcome content and menus depend on the connection. Once disconnected, the key
 * stays so through the retries until a daemon answers: the views do not blink between "connecting" and "offline".
 */
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
    if (kind === this.last || (kind === 'connecting' && this.last === 'disconnected')) return;
    this.last = kind;
    void vscode.commands.executeCommand('setContext', 'agentTracker.connection', kind);
  }
}
