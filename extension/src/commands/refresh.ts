/** Refresh: reload the whole state from the daemon (or try to reach it again at once). */
import type { CommandContext } from './commandContext.js';

export function refresh(ctx: CommandContext): void {
  ctx.connection.restart(true);
}
