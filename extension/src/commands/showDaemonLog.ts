/** Show Daemon Log: the daemon's own log (its file in the home), followed live in an output channel. */
import type { CommandContext } from './commandContext.js';

export async function showDaemonLog(ctx: CommandContext): Promise<void> {
  await ctx.daemonLog.show(ctx.settings().home);
}
