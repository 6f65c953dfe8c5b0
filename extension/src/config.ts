/** The `agentTracker.*` settings, read in one place. */
import { homedir } from 'node:os';
import { join, resolve } from 'node:path';
import * as vscode from 'vscode';
import { resolveHome, type DiscoverOptions } from '#client';

/** `failures` (failed tasks only) is the setting's former value, still honoured. */
export type NotificationLevel = 'all' | 'needsYou' | 'failures' | 'none';
const LEVELS: readonly NotificationLevel[] = ['all', 'needsYou', 'failures', 'none'];

export interface TrackerSettings {
  daemonUrl: string;
  /** The home in effect: the one the user chose, else AGENT_TRACKER_HOME, else ~/.agent-tracker. */
  home: string;
  /** The home the user chose in the settings, if any. */
  chosenHome: string | undefined;
  autoStartDaemon: boolean;
  notifications: NotificationLevel;
  stuckAfterSeconds: number;
}

export const SECTION = 'agentTracker';

export function readSettings(): TrackerSettings {
  const config = vscode.workspace.getConfiguration(SECTION);
  const chosenHome = chosenHomeSetting(config);
  const notifications = config.get<string>('notifications', 'needsYou');
  return {
    daemonUrl: config.get<string>('daemonUrl', '').trim(),
    home: chosenHome ?? resolveHome(),
    chosenHome,
    autoStartDaemon: config.get<boolean>('autoStartDaemon', true),
    notifications: (LEVELS as readonly string[]).includes(notifications) ? (notifications as NotificationLevel) : 'needsYou',
    stuckAfterSeconds: Math.max(0, config.get<number>('stuckAfterSeconds', 300)),
  };
}

/** A home the user chose in the settings (the default value is no choice: the daemon's rule applies). */
function chosenHomeSetting(config: vscode.WorkspaceConfiguration): string | undefined {
  const inspected = config.inspect<string>('home');
  const chosen = inspected?.workspaceFolderValue ?? inspected?.workspaceValue ?? inspected?.globalValue;
  if (!chosen?.trim()) return undefined;
  const value = chosen.trim();
  return value === '~' || value.startsWith('~/') ? join(homedir(), value.slice(1)) : resolve(value);
}

/**
 * Where the client looks for the daemon, by the one rule every client follows: the `daemonUrl` setting (with the
 * home's token), else a home chosen here, else AGENT_TRACKER_URL + AGENT_TRACKER_TOKEN, else the default home's files.
 */
export function daemonLocation(settings: TrackerSettings): DiscoverOptions {
  if (settings.daemonUrl) return { url: settings.daemonUrl, home: settings.home };
  return { home: settings.chosenHome };
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
