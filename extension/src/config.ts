/** The `agentTracker.*` settings, read in one place. */
import { homedir } from 'node:os';
import { join, resolve } from 'node:path';
import * as vscode from 'vscode';
import { resolveHome } from '../../daemon/src/home.js';

export type NotificationLevel = 'all' | 'failures' | 'none';

export interface TrackerSettings {
  daemonUrl: string;
  home: string;
  autoStartDaemon: boolean;
  notifications: NotificationLevel;
  stuckAfterSeconds: number;
}

export const SECTION = 'agentTracker';

export function readSettings(): TrackerSettings {
  const config = vscode.workspace.getConfiguration(SECTION);
  const notifications = config.get<string>('notifications', 'all');
  return {
    daemonUrl: config.get<string>('daemonUrl', '').trim(),
    home: resolveHomeSetting(config),
    autoStartDaemon: config.get<boolean>('autoStartDaemon', true),
    notifications: notifications === 'failures' || notifications === 'none' ? notifications : 'all',
    stuckAfterSeconds: Math.max(0, config.get<number>('stuckAfterSeconds', 300)),
  };
}

/** A home the user chose wins; otherwise the same rule as the daemon and CLI (AGENT_TRACKER_HOME, else ~/.agent-tracker). */
function resolveHomeSetting(config: vscode.WorkspaceConfiguration): string {
  const inspected = config.inspect<string>('home');
  const chosen = inspected?.workspaceFolderValue ?? inspected?.workspaceValue ?? inspected?.globalValue;
  if (!chosen?.trim()) return resolveHome();
  const value = chosen.trim();
  return value === '~' || value.startsWith('~/') ? join(homedir(), value.slice(1)) : resolve(value);
}

export interface SettingsHandlers {
  /** Where to find the daemon changed: reconnect and reload. */
  onLocationChanged(): void;
  onStuckAfterChanged(seconds: number): void;
}

export function watchSettings(handlers: SettingsHandlers): vscode.Disposable {
  return vscode.workspace.onDidChangeConfiguration((event) => {
    if (event.affectsConfiguration(`${SECTION}.home`) || event.affectsConfiguration(`${SECTION}.daemonUrl`)) {
      handlers.onLocationChanged();
    }
    if (event.affectsConfiguration(`${SECTION}.stuckAfterSeconds`)) {
      handlers.onStuckAfterChanged(readSettings().stuckAfterSeconds);
    }
  });
}
