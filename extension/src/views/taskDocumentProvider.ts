/** Task details as a read-only JSON document (`agent-tracker-task:/<id>.json`), updated as the task changes. */
import * as vscode from 'vscode';
import { Disposable } from '../common/lifecycle.js';
import type { TrackerConnection } from '../client/trackerConnection.js';
import type { HistoryList } from '../model/historyList.js';
import type { TrackerModel } from '../model/trackerModel.js';

export const TASK_SCHEME = 'agent-tracker-task';

export function taskDocumentUri(taskId: string): vscode.Uri {
  return vscode.Uri.from({ scheme: TASK_SCHEME, path: `/${taskId}.json` });
}

export function taskIdOfUri(uri: vscode.Uri): string {
  return decodeURIComponent(uri.path.replace(/^\//, '').replace(/\.json$/, ''));
}

export class TaskDocumentProvider extends Disposable implements vscode.TextDocumentContentProvider {
  private readonly emitter = this.register(new vscode.EventEmitter<vscode.Uri>());
  readonly onDidChange = this.emitter.event;
  private readonly open = new Set<string>();

  constructor(
    private readonly model: TrackerModel,
    private readonly history: HistoryList,
    private readonly connection: TrackerConnection,
  ) {
    super();
    this.register(vscode.workspace.registerTextDocumentContentProvider(TASK_SCHEME, this));
    this.register(vscode.workspace.onDidCloseTextDocument((doc) => this.open.delete(doc.uri.toString())));
    this.register(
      model.onDidChange((change) => {
        for (const key of this.open) {
          const uri = vscode.Uri.parse(key);
          if (change.reset || change.tasks.has(taskIdOfUri(uri))) this.emitter.fire(uri);
        }
      }),
    );
  }

  async provideTextDocumentContent(uri: vscode.Uri): Promise<string> {
    this.open.add(uri.toString());
    const id = taskIdOfUri(uri);
    const task = this.model.getTask(id) ?? this.history.getTask(id) ?? (await this.readFromDaemon(id));
    return task ? `${JSON.stringify(task, null, 2)}\n` : `// Task ${id} is not known to the daemon.\n`;
  }

  private async readFromDaemon(id: string): Promise<unknown> {
    try {
      return await this.connection.requireClient().getTask(id);
    } catch {
      return undefined;
    }
  }
}
