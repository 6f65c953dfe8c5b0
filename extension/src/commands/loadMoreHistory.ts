/** The History view's "Load more" row: the next page of `GET /v1/history`. */
import type { CommandContext } from './commandContext.js';

export async function loadMoreHistory(ctx: CommandContext): Promise<void> {
  await ctx.historyProvider.loadMore();
}
