/**
 * Opening what a task page lists: a file an agent's turn changed (Open), its changes against git HEAD (Open Changes),
 * and the turn's transcript. Only regular files are opened (a FIFO or a device named by a payload would block the
 * editor). Open Changes diffs through VS Code's built-in git extension (`toGitUri`), so the left side is what git
 * holds; outside a git repository, or without that extension, it opens the file and says why there is no diff.
 */
import { execFile } from 'node:child_process';
import { dirname } from 'node:path';
import { promisify } from 'node:util';
import * as vscode from 'vscode';
import { notificationText } from '../../model/plainText.js';

const run = promisify(execFile);

/** What an open did: a diff, one file (or, deleted since, what HEAD holds), or nothing (gone, or not a regular file). */
export type OpenOutcome = 'diff' | 'file' | 'none';

/** The part of the git extension's API (`vscode.git`, version 1) used here. */
interface GitApi {
  getRepository(uri: vscode.Uri): unknown;
  openRepository?(root: vscode.Uri): Promise<unknown>;
  toGitUri(uri: vscode.Uri, ref: string): vscode.Uri;
}

export async function openFile(path: string): Promise<OpenOutcome> {
  const uri = vscode.Uri.file(path);
  if (!(await isRegularFile(uri, path))) return 'none';
  await vscode.commands.executeCommand('vscode.open', uri, { preview: true });
  return 'file';
}

export async function openChanges(path: string): Promise<OpenOutcome> {
  const uri = vscode.Uri.file(path);
  const git = await gitApi();
  const root = git ? await repositoryRoot(path) : undefined;
  if (!git || !root) {
    const opened = await openFile(path);
    if (opened === 'file') void vscode.window.showInformationMessage(notificationText(`${path} is not in a git repository: there are no changes to compare, so the file is shown.`));
    return opened;
  }
  // The git extension reads HEAD only for repositories it has open; one outside the workspace is opened first.
  if (!git.getRepository(uri)) await git.openRepository?.(vscode.Uri.file(root));
  const head = git.toGitUri(uri, 'HEAD');
  // Deleted since: what HEAD holds is all there is to show.
  if (!(await isRegularFile(uri, undefined))) {
    await vscode.commands.executeCommand('vscode.open', head, { preview: true });
    return 'file';
  }
  // A file new since HEAD shows as all added (HEAD has nothing at that path).
  const name = path.split(/[\\/]/).pop() ?? path;
  await vscode.commands.executeCommand('vscode.diff', head, uri, `${name} (HEAD ↔ working tree)`, { preview: true });
  return 'diff';
}

async function gitApi(): Promise<GitApi | undefined> {
  const extension = vscode.extensions.getExtension<{ getAPI(version: 1): GitApi }>('vscode.git');
  if (!extension) return undefined;
  try {
    const exports = extension.isActive ? extension.exports : await extension.activate();
    return exports.getAPI(1);
  } catch {
    return undefined;
  }
}

/** The work tree holding the file, asked of git itself (the file may be anywhere, not only in this workspace). */
async function repositoryRoot(path: string): Promise<string | undefined> {
  try {
    const { stdout } = await run('git', ['rev-parse', '--show-toplevel'], { cwd: dirname(path), timeout: 5000 });
    return stdout.trim() || undefined;
  } catch {
    return undefined;
  }
}

/** Whether the path is a regular file; when it is not and `say` names it, the user is told why nothing opens. */
async function isRegularFile(uri: vscode.Uri, say: string | undefined): Promise<boolean> {
  try {
    const stat = await vscode.workspace.fs.stat(uri);
    if (stat.type & vscode.FileType.File) return true;
    if (say) void vscode.window.showWarningMessage(notificationText(`${say} is not a regular file: Agent Tracker does not open it.`));
    return false;
  } catch {
    if (say) void vscode.window.showWarningMessage(notificationText(`${say} no longer exists.`));
    return false;
  }
}
