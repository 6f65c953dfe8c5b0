/** The extension's own log, a LogOutputChannel (levels, timestamps, and the user's chosen log level for free). */
import * as vscode from 'vscode';
import type { Logger } from './logger.js';

export function createOutputLogger(name: string): Logger & vscode.Disposable & { channel: vscode.LogOutputChannel } {
  const channel = vscode.window.createOutputChannel(name, { log: true });
  return {
    channel,
    trace: (m, ...a) => channel.trace(m, ...a),
    debug: (m, ...a) => channel.debug(m, ...a),
    info: (m, ...a) => channel.info(m, ...a),
    warn: (m, ...a) => channel.warn(m, ...a),
    error: (m, ...a) => channel.error(m, ...a),
    dispose: () => channel.dispose(),
  };
}
