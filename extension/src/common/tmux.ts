/**
 * Runs tmux with arguments, never through a shell: what is typed into a pane is data, whatever characters it holds.
 * No `vscode` here.
 */
import { execFile } from 'node:child_process';
import { setTimeout as delay } from 'node:timers/promises';

/** tmux answers at once; a server that does not within this long is treated as gone. */
const TMUX_TIMEOUT_MS = 5000;

export class TmuxError extends Error {}

/**
 * Runs each invocation in turn, `pauseMs` apart; the first that fails stops the rest, with tmux's own words (or that
 * it is missing).
 */
export async function runTmux(invocations: readonly (readonly string[])[], pauseMs = 0): Promise<void> {
  for (const [i, args] of invocations.entries()) {
    if (i > 0 && pauseMs > 0) await delay(pauseMs);
    await new Promise<void>((resolve, reject) => {
      execFile('tmux', [...args], { timeout: TMUX_TIMEOUT_MS, windowsHide: true }, (error, _stdout, stderr) => {
        if (!error) return resolve();
        const missing = (error as NodeJS.ErrnoException).code === 'ENOENT';
        reject(new TmuxError(missing ? 'tmux is not installed on this machine' : `tmux: ${String(stderr).trim() || error.message}`));
      });
    });
  }
}
