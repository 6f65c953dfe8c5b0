/** `agent-tracker events tail`: the event feed, catch-up then live (Ctrl-C to stop). */
import { Command } from 'commander';
import type { TrackerEvent } from '../protocol/index.js';
import { action, connect, intOption, warn, withCommonOptions, type CommonOptions } from './context.js';
import { EXIT_REFUSED } from './exitCodes.js';
import { renderEvent } from './taskFormat.js';

interface TailOptions extends CommonOptions {
  task?: string;
  after?: number;
  last: number;
  follow: boolean;
}

export function eventsCommands(): Command {
  const events = new Command('events').description('the event log');
  withCommonOptions(events.command('tail').description('print events, then follow new ones (Ctrl-C to stop)'))
    .option('--task <id>', 'only this task\'s events')
    .option('--after <seq>', 'start after this seq (default: the last --last events; with --task, its whole history)', intOption(0, Number.MAX_SAFE_INTEGER))
    .option('--last <n>', 'without --after, how many recent events to show first', intOption(0, 10_000), 20)
    .option('--no-follow', 'stop once caught up instead of following')
    .action(action(tail));
  return events;
}

async function tail(options: TailOptions): Promise<number> {
  const client = await connect(options);
  // Asked first so that a missing daemon is exit 3 now, not a stream retrying forever.
  const { seq } = await client.health();
  // One task's history is short and wanted whole; the global feed starts from its last few events.
  const after = options.after ?? (options.task ? 0 : Math.max(0, seq - options.last));
  const print = (event: TrackerEvent): void => {
    if (options.task && event.taskId !== options.task) return;
    process.stdout.write(options.json ? `${JSON.stringify(event)}\n` : `${renderEvent(event)}\n`);
  };
  return new Promise<number>((resolve) => {
    const stream = client.stream({
      after,
      onEvent: print,
      onLive: () => {
        if (options.follow) return;
        stream.close();
        resolve(0);
      },
      onDisconnect: (error) => warn(`stream dropped${error ? ` (${error.message})` : ''}; reconnecting`),
      onRefused: (error) => {
        warn(`the daemon refused the stream: ${error.message}`);
        resolve(EXIT_REFUSED);
      },
    });
    const stop = (): void => {
      stream.close();
      resolve(0);
    };
    process.once('SIGINT', stop);
    process.once('SIGTERM', stop);
  });
}
