/**
 * Where an agent runs in tmux: the pane (`TMUX_PANE`, "%12") and the server's socket (the path before the first comma
 * of `TMUX`), as its hook forwarder saw them. The extension types a prompt into that pane with `tmux -S <socket>
 * send-keys -t <pane>`, so both are held to exactly the shape tmux gives them. No zod here: the forwarder reads this.
 */

/** `%` and the pane's number. */
export const TMUX_PANE_PATTERN = /^%\d{1,9}$/;
const MAX_SOCKET_CHARS = 1024;

/** An absolute path of printable characters (tmux's socket); a comma would have ended it in `TMUX`. */
export function isTmuxSocket(path: string): boolean {
  if (!path.startsWith('/') || path.length < 2 || path.length > MAX_SOCKET_CHARS) return false;
  for (let i = 0; i < path.length; i++) {
    const code = path.charCodeAt(i);
    if (code < 0x20 || (code >= 0x7f && code <= 0x9f) || code === 0x2c) return false;
  }
  return true;
}

export interface TmuxLocation {
  tmuxPane: string;
  tmuxSocket?: string;
}

/** The pane and socket of a process's environment, when it runs in tmux and both look as tmux writes them. */
export function tmuxLocationOf(env: Readonly<Record<string, string | undefined>>): TmuxLocation | undefined {
  const pane = env['TMUX_PANE'];
  if (pane === undefined || !TMUX_PANE_PATTERN.test(pane)) return undefined;
  const socket = env['TMUX']?.split(',')[0];
  return socket !== undefined && isTmuxSocket(socket) ? { tmuxPane: pane, tmuxSocket: socket } : { tmuxPane: pane };
}
