/**
 * The exact commands our hook entries run, and the test that recognises them: an entry is ours only when its command
 * is, character for character, one we write for this tracker home and agent. A user's own hook whose command merely
 * mentions the forwarder is never taken for ours.
 */
import { forwarderCommand } from '../../hooks/forwarderFiles.js';

/** `'<home>/bin/agent-tracker-hook' <kind>`, with `--approval-wait N` for a permission hook that waits for a decision. */
export function hookCommand(home: string, kind: string, approvalWait?: number): string {
  const plain = forwarderCommand(home, kind);
  return approvalWait === undefined ? plain : `${plain} --approval-wait ${approvalWait}`;
}

export interface OurCommand {
  approvalWait: number | undefined;
}

/** What our command says, or undefined when `command` is not exactly one of ours. */
export function readHookCommand(home: string, kind: string, command: unknown): OurCommand | undefined {
  if (typeof command !== 'string') return undefined;
  const plain = forwarderCommand(home, kind);
  if (command === plain) return { approvalWait: undefined };
  const wait = /^ --approval-wait ([1-9][0-9]{0,5})$/.exec(command.slice(plain.length))?.[1];
  return command.startsWith(plain) && wait !== undefined ? { approvalWait: Number(wait) } : undefined;
}
