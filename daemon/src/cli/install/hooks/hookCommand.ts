/**
 * The exact commands our hook entries run, and the test that recognises them: an entry is ours only when its command
 * is, character for character, one we write for this tracker home, agent and platform. A user's own hook whose command
 * merely mentions the forwarder is never taken for ours.
 */
import { forwarderCommand } from '../../hooks/forwarderFiles.js';
import type { HooksContext } from './agentHooks.js';

type CommandContext = Pick<HooksContext, 'trackerHome' | 'platform'>;

export interface HookCommandOptions {
  /** A permission hook that waits this many seconds for a decision: `--approval-wait N`. */
  approvalWait?: number;
  /** What runs the command on Windows: cmd.exe (and Git Bash) by default; PowerShell needs its call operator. */
  shell?: 'cmd' | 'powershell';
}

/** `'<home>/bin/agent-tracker-hook' <kind>` (on Windows the .cmd launcher), with `--approval-wait N` when asked. */
export function hookCommand(ctx: CommandContext, kind: string, options: HookCommandOptions = {}): string {
  const plain = forwarderCommand(ctx.trackerHome, kind, ctx.platform, options.shell);
  return options.approvalWait === undefined ? plain : `${plain} --approval-wait ${options.approvalWait}`;
}

export interface OurCommand {
  approvalWait: number | undefined;
}

/** What our command says, or undefined when `command` is not exactly one of ours. */
export function readHookCommand(ctx: CommandContext, kind: string, command: unknown): OurCommand | undefined {
  if (typeof command !== 'string') return undefined;
  const plain = hookCommand(ctx, kind);
  if (command === plain) return { approvalWait: undefined };
  const wait = /^ --approval-wait ([1-9][0-9]{0,5})$/.exec(command.slice(plain.length))?.[1];
  return command.startsWith(plain) && wait !== undefined ? { approvalWait: Number(wait) } : undefined;
}
